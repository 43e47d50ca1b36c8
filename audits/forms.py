from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from accounts.models import Commune
from accounts.selectors import communes_for
from audits import submission_baseline, submission_measures
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
from melinh_sxsh.lib.forms import BaseFormSet, ModelForm, YearField, formfield


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
    required = True  # at least one line

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
        if not seen and self.required:
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
        if self.instance.request.asks_measures and self.instance.measures:
            # A form begun before measures were entered line by line keeps its text.
            self.fields["measures"].help_text = _(
                "Written before measures were entered line by line: enter each below as a "
                "line, then empty this box.")
        else:
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


class MeasureLineForm(forms.Form):
    """One CP measure a facility reports: implemented, since a form reports what was done."""

    technique = formfield(CPMeasure._meta.get_field("technique"), required=False)
    description = formfield(CPMeasure._meta.get_field("description"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    # Empty, not the model's 0: an empty line is left out (empty means none).
    investment_vnd = formfield(CPMeasure._meta.get_field("investment_vnd"), required=False,
                               initial=None)
    yearly_saving_vnd = formfield(CPMeasure._meta.get_field("yearly_saving_vnd"),
                                  required=False, initial=None)
    energy_saved_toe = formfield(CPMeasure._meta.get_field("energy_saved_toe"), required=False)
    implemented_on = formfield(CPMeasure._meta.get_field("implemented_on"), required=False)


def _named(form: forms.Form, name: str, error: str) -> str:
    """An error that names its field (the number and date fields' errors already do)."""
    label = str(form.fields[name].label) if name in form.fields else ""
    if not label or error.startswith(label):
        return error
    return _("%(field)s: %(problem)s") % {"field": label, "problem": error}


class BaseMeasureLineFormSet(BaseFormSet):
    """The measures of a submission; a line left empty is none. Each problem is shown on its
    field and, above the lines, as a sentence naming the line and the field."""

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year

    def _kept(self):
        for number, form in enumerate(self.forms, 1):
            if self.can_delete and self._should_delete_form(form):
                continue
            if (form.empty_permitted and not form.has_changed()) or all(
                    not str(form[name].data or "").strip() for name in submission_measures.FIELDS):
                continue  # a line left empty
            yield number, form

    def clean(self) -> None:
        super().clean()
        summary = []
        for number, form in self._kept():
            for name, problem in submission_measures.line_problems(
                    form.cleaned_data, self.year).items():
                if name not in form.errors:
                    form.add_error(name, _("%(field)s: %(problem)s") % {
                        "field": form.fields[name].label, "problem": problem})
            for name in [*form.fields, NON_FIELD_ERRORS]:  # in the order of the line
                summary += [_("CP measure %(number)s: %(error)s") % {
                    "number": number, "error": _named(form, name, error)}
                    for error in form.errors.get(name, [])]
        if summary:
            raise forms.ValidationError(summary)

    def lines(self) -> list[dict]:
        """The lines for the service (audits/submission_measures.clean_lines)."""
        return [{name: form.cleaned_data.get(name) for name in submission_measures.FIELDS}
                for _number, form in self._kept()]


MeasureLineFormSet = forms.formset_factory(
    MeasureLineForm, formset=BaseMeasureLineFormSet, extra=2, can_delete=True,
    can_delete_extra=False, max_num=submission_measures.MAX_LINES, validate_max=True)


def measure_lines_formset(submission: Submission, data) -> BaseMeasureLineFormSet | None:
    """The submission's measures as a formset, when its request asks for them. A post without
    the measures' lines at all (a page opened before they were asked) leaves them as stored:
    the formset is then unbound, and `measure_values` gives the service nothing."""
    if not submission.request.asks_measures:
        return None
    if data is not None and "measures-TOTAL_FORMS" not in data:
        data = None
    initial = [{"technique": line.technique_id, "description": line.description,
                "investment_vnd": line.investment_vnd,
                "yearly_saving_vnd": line.yearly_saving_vnd,
                "energy_saved_toe": line.energy_saved_toe,
                "implemented_on": line.implemented_on}
               for line in submission_measures.lines_of(submission)]
    return MeasureLineFormSet(data, initial=initial, prefix="measures",
                              year=submission.request.year)


def measure_values(measures: BaseMeasureLineFormSet | None) -> dict:
    """What a (valid) measures formset gives the service: its lines, when it was posted."""
    if measures is None or not measures.is_bound:
        return {}
    return {"measure_lines": measures.lines()}


class SubmissionUploadForm(forms.Form):
    """The energy template of the import, filled for the submission's facility and year; the
    version of the form it was sent from, so that it does not overwrite a newer save."""

    file = forms.FileField(
        label=_("Energy template (.xlsx, at most 1 MB)"),
        widget=forms.ClearableFileInput(attrs={
            "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
        error_messages={"required": _("Choose the Excel file to upload.")})
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class BaselineForm(forms.Form):
    """The baseline year's figures of a submission (audits/submission_baseline.py); left empty
    in a draft, they are asked again before the form is sent."""

    year = YearField(label=_("Baseline year"), required=False)
    output = formfield(EnergyRecord._meta.get_field("output"), required=False,
                       label=_("Production output of the baseline year"),
                       help_text=_("What the facility produced in that year; more than zero."))
    product_unit = formfield(EnergyRecord._meta.get_field("product_unit"), required=False,
                             label=_("Product unit of the baseline year"),
                             help_text=_("The unit of the year above: in another unit the saving "
                                         "cannot be computed."))


class BaseBaselineUseFormSet(BaseEnergyUseFormSet):
    required = False  # the section's own check asks for a line once anything is filled


BaselineUseFormSet = forms.formset_factory(
    EnergyUseForm, formset=BaseBaselineUseFormSet, extra=3, can_delete=True,
    can_delete_extra=False, max_num=30, validate_max=True)


class BaselineSection:
    """The form's "Năm cơ sở" section, shown when the request asks the baseline and the facility
    has no earlier record: the baseline form and its energy lines, checked together by the rules
    the service applies (`submission_baseline.problems`), against the year's product unit as
    posted in `year_form`. Left empty (no output, no line) it is valid and stores none."""

    def __init__(self, submission: Submission, data, year_form: forms.Form):
        self.year = submission.request.year
        self.year_form = year_form
        stored = submission_baseline.Baseline.of(submission)
        # A post without the section (a page opened before it was asked) leaves it as stored.
        if data is not None and "baseline-uses-TOTAL_FORMS" not in data:
            data = None
        self.form = BaselineForm(data, prefix="baseline", initial={
            "year": stored.year if stored else submission_baseline.default_year(self.year),
            "output": stored.output if stored else None,
            "product_unit": stored.product_unit if stored else (
                submission.product_unit or submission.facility.product_unit),
        })
        self.formset = BaselineUseFormSet(data, prefix="baseline-uses", initial=[
            {"carrier": carrier, "quantity": quantity}
            for carrier, quantity in (stored.lines.items() if stored else ())])

    @property
    def is_bound(self) -> bool:
        return self.form.is_bound

    def _values(self) -> dict:
        return {**self.form.cleaned_data, "lines": self.formset.lines()}

    def is_valid(self) -> bool:
        if not all([self.form.is_valid(), self.formset.is_valid()]):
            return False
        values = self._values()
        if values["output"] is None and not values["lines"]:
            return True  # left empty
        unit = getattr(self.year_form, "cleaned_data", {}).get("product_unit") or ""
        for field, problem in submission_baseline.problems(values, self.year, unit).items():
            message = submission_baseline.error(field, problem)
            self.form.add_error(field if field in self.form.fields else None, message)
        return not self.form.errors

    def values(self) -> dict:
        """What the (valid, posted) section gives the service."""
        if not self.is_bound:
            return {}
        values = self._values()
        if values["output"] is None and not values["lines"]:
            return {"baseline": {}}
        return {"baseline": values}


def baseline_section(submission: Submission, data, year_form: forms.Form) -> BaselineSection | None:
    """The baseline section of the form, or None when it is not asked (one query)."""
    if not submission_baseline.is_wanted(submission):
        return None
    return BaselineSection(submission, data, year_form)


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

    commune = forms.ModelChoiceField(Commune.objects.none(), required=False,
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

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes_for(user)
        self.fields["title"].initial = _("Production and energy figures of the year")
