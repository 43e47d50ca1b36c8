from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from audits.models import CPMeasure, EnergyCarrier, EnergyRecord, EnergyUse
from melinh_sxsh.lib.conflicts import VersionedModelForm
from melinh_sxsh.lib.forms import BaseFormSet, formfield


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
