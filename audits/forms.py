from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Commune
from audits.models import (
    CPMeasure,
    DataRequest,
    EnergyCarrier,
    EnergyRecord,
    EnergyUse,
    Submission,
)
from facilities.models import Sector, Stage
from melinh_sxsh.lib.conflicts import VersionedModelForm
from melinh_sxsh.lib.forms import BaseFormSet, ModelForm, formfield


class EnergyRecordForm(VersionedModelForm):
    class Meta:
        model = EnergyRecord
        fields = ["year", "output", "product_unit", "source", "is_baseline"]
        help_texts = {"output": _("In the product unit below. Zero is accepted but flagged.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", "—")] + EnergyRecord.Source.choices


class EnergyUseForm(forms.Form):
    """One energy line. Lines are matched by carrier when saved, not by row id: a line someone
    else removed meanwhile is no error of this form, only a difference the conflict rule shows."""

    carrier = forms.ModelChoiceField(EnergyCarrier.objects.all(), required=False,
                                     label=_("Energy carrier"))
    quantity = formfield(EnergyUse._meta.get_field("quantity"), required=False)


class BaseEnergyUseFormSet(BaseFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        seen: set[int] = set()
        for form in self._kept_forms():
            carrier = form.cleaned_data.get("carrier")
            if carrier is None or form.cleaned_data.get("quantity") is None:
                raise forms.ValidationError(_("Each energy line needs a carrier and a quantity."))
            if carrier.pk in seen:
                raise forms.ValidationError(_('"%(carrier)s" appears on two lines; enter each '
                                              "energy carrier once.") % {"carrier": carrier})
            seen.add(carrier.pk)
        if not seen:
            raise forms.ValidationError(_("Enter at least one energy line: a record without "
                                          "energy use cannot be saved."))

    def _kept_forms(self):
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            data = form.cleaned_data
            if data.get("carrier") is None and data.get("quantity") is None:
                continue  # an empty line
            yield form

    def lines(self) -> dict[int, Decimal]:
        """carrier id -> quantity, for the service."""
        return {form.cleaned_data["carrier"].pk: form.cleaned_data["quantity"]
                for form in self._kept_forms()}


EnergyUseFormSet = forms.formset_factory(
    EnergyUseForm, formset=BaseEnergyUseFormSet, extra=3, can_delete=True,
    can_delete_extra=False, max_num=30, validate_max=True)


def energy_lines_initial(record: EnergyRecord | None) -> list[dict]:
    """The record's lines as the formset's initial data."""
    if record is None:
        return []
    return [{"carrier": use.carrier_id, "quantity": use.quantity}
            for use in record.uses.order_by("carrier_id")]


class CPMeasureForm(VersionedModelForm):
    class Meta:
        model = CPMeasure
        fields = ["technique", "description", "investment_vnd", "yearly_saving_vnd",
                  "energy_saved_toe", "status", "implemented_on"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("investment_vnd", "yearly_saving_vnd"):
            self.fields[name].required = False  # empty means none

    def clean_investment_vnd(self) -> int:
        return self.cleaned_data.get("investment_vnd") or 0

    def clean_yearly_saving_vnd(self) -> int:
        return self.cleaned_data.get("yearly_saving_vnd") or 0


class SubmissionForm(VersionedModelForm):
    """A facility's figures for a data request; a box for each data-quality check its saved
    figures fail, to explain what is right about them (`explain_<rule>`)."""

    class Meta:
        model = Submission
        fields = ["output", "product_unit", "employees", "measures"]
        widgets = {"measures": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "output": _("What the facility produced in the year, in the product unit below."),
            "measures": _("What the facility did in the year to save energy or materials."),
        }

    def __init__(self, *args, checks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.checks = list(checks)
        if not self.instance.request.asks_employees:
            del self.fields["employees"]
        if not self.instance.request.asks_measures:
            del self.fields["measures"]
        for check in self.checks:
            self.fields[f"explain_{check.rule}"] = forms.CharField(
                label=check.message, required=False, max_length=1000,
                initial=self.instance.explanations.get(check.rule, ""),
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Correct the figures above, or say why they are right."),
            )

    def record_data(self) -> dict:
        data = super().record_data()
        data["explanations"] = {
            check.rule: data.pop(f"explain_{check.rule}", "").strip() for check in self.checks
        }
        return data


class SubmissionUploadForm(forms.Form):
    """The energy template of the import, filled for the submission's facility and year; the
    version of the form it was sent from, so that it does not overwrite a newer save."""

    file = forms.FileField(
        label=_("Energy template (.xlsx, at most 1 MB)"),
        widget=forms.ClearableFileInput(attrs={
            "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
        error_messages={"required": _("Choose the Excel file to upload.")})
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def submission_lines_initial(submission: Submission) -> list[dict]:
    """The submission's energy lines as the formset's initial data."""
    return [{"carrier": carrier, "quantity": quantity}
            for carrier, quantity in submission.energy_lines().items()]


class CommunesReviewForm(forms.Form):
    communes_review = forms.BooleanField(
        required=False,
        label=_("Commune officials may accept or return their commune's forms"),
        help_text=_("Otherwise they read them, and only the Economic Department decides."))


class DataRequestForm(ModelForm):
    """A new data request: what is asked, and which facilities (active in the year, narrowed
    by commune, sector and whether they have a record of the year)."""

    commune = forms.ModelChoiceField(Commune.objects.all(), required=False,
                                     label=_("Commune"), empty_label=_("All communes"))
    sector = forms.ModelChoiceField(Sector.objects.all(), required=False, label=_("Sector"),
                                    empty_label=_("All sectors"))
    stage = forms.TypedChoiceField(
        choices=[("", _("All stages"))] + Stage.choices, coerce=int, empty_value=None,
        required=False, label=_("Stage in the year"))
    without_record = forms.BooleanField(
        required=False, label=_("Only facilities without an energy record of the year"))

    class Meta:
        model = DataRequest
        fields = ["title", "year", "deadline", "asks_energy", "asks_baseline", "asks_measures",
                  "asks_employees", "communes_review"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].initial = _("Production and energy figures of the year")
