from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Commune
from accounts.permissions import can, sees_every_commune
from accounts.selectors import communes_for
from melinh_sxsh.lib.conflicts import VersionedModelForm
from melinh_sxsh.lib.forms import BaseFormSet, ModelForm, PlanYearField, YearField
from reports.models import Plan, PlanTask, Report, Target, TaskReport


class TaskReportForm(VersionedModelForm):
    """A progress report on a task; it also sets the task's status, so it is checked against
    the task's version (`edited=task`)."""

    attachment = forms.FileField(label=_("Attachment (PDF, Word, Excel; up to 20 MB)"),
                                 required=False)

    class Meta:
        model = TaskReport
        fields = ["reported_on", "text", "status"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = PlanTask.Status.choices


class PlanForm(VersionedModelForm):
    class Meta:
        model = Plan
        fields = ["code", "title", "year", "baseline_year", "signed_on", "signer", "signer_title"]
        # A plan may be written for a coming year; its baseline is a year gone by.
        field_classes = {"year": PlanYearField}
        widgets = {"title": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        data = super().clean()
        year, baseline = data.get("year"), data.get("baseline_year")
        if year and baseline and baseline >= year:
            self.add_error("baseline_year", _("The baseline year must come before the plan's "
                                              "year."))
        return data


class TargetForm(ModelForm):
    class Meta:
        model = Target
        fields = ["indicator", "mode", "value", "band_low", "band_high"]

    def clean(self):
        data = super().clean()
        low, high = data.get("band_low"), data.get("band_high")
        if data.get("indicator") == Target.Indicator.SAVING:
            if low is None or high is None:
                self.add_error("band_low", _("The saving target needs its band, e.g. 8 to 13."))
            elif not 0 < low < high <= 100:
                self.add_error("band_high", _("The band goes from a lower to a higher "
                                              "percentage, between 0 and 100."))
        elif low is not None or high is not None:
            self.add_error("band_low", _("Only the saving target has a band."))
        if data.get("indicator") == Target.Indicator.OFFICERS and data.get("mode") != "absolute":
            self.add_error("mode", _("The officers' target is an absolute number."))
        return data


class BaseTargetFormSet(BaseFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.kept_forms():
            indicator = form.cleaned_data.get("indicator")
            if indicator in seen:
                raise forms.ValidationError(_("Each indicator has one target."))
            seen.add(indicator)

    def kept_forms(self):
        for form in self.forms:
            if form.cleaned_data and not form.cleaned_data.get("DELETE"):
                yield form

    def targets(self) -> dict[str, dict]:
        """indicator -> its mode, value and band, for the service."""
        return {form.cleaned_data["indicator"]: {k: form.cleaned_data.get(k) for k in
                                                 ("mode", "value", "band_low", "band_high")}
                for form in self.kept_forms()}


class TaskForm(ModelForm):
    class Meta:
        model = PlanTask
        fields = ["unit", "duty", "status"]
        labels = {"unit": _("Unit")}
        widgets = {"duty": forms.Textarea(attrs={"rows": 2})}

    def validate_unique(self) -> None:
        pass  # tasks are matched by unit when saved; the formset refuses a unit twice


class BaseTaskFormSet(BaseFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.kept_forms():
            unit = form.cleaned_data.get("unit")
            if unit in seen:
                raise forms.ValidationError(_("Each unit has one task in a plan."))
            seen.add(unit)

    def kept_forms(self):
        for form in self.forms:
            if form.cleaned_data and not form.cleaned_data.get("DELETE"):
                yield form

    def tasks(self) -> dict[int, dict]:
        """unit id -> its duty and status, for the service."""
        return {form.cleaned_data["unit"].pk: {"duty": form.cleaned_data["duty"],
                                               "status": form.cleaned_data["status"]}
                for form in self.kept_forms()}


# Plain formsets: targets are matched by indicator and tasks by unit when saved, not by row id,
# so that a row someone else removed meanwhile is a difference to show, not an error.
TargetFormSet = forms.formset_factory(TargetForm, formset=BaseTargetFormSet, extra=0,
                                      min_num=1, max_num=3, can_delete=True)
TaskFormSet = forms.formset_factory(TaskForm, formset=BaseTaskFormSet, extra=1,
                                    can_delete=True)


def targets_initial(plan: Plan | None) -> list[dict]:
    if plan is None:
        return []
    return [{k: getattr(target, k) for k in ("indicator", "mode", "value", "band_low",
                                             "band_high")} for target in plan.targets.all()]


def tasks_initial(plan: Plan | None) -> list[dict]:
    if plan is None:
        return []
    return [{"unit": task.unit_id, "duty": task.duty, "status": task.status}
            for task in plan.tasks.all()]


class ReportForm(forms.Form):
    year = PlanYearField(label=_("Plan year"))
    commune = forms.ModelChoiceField(Commune.objects.all(), required=False,
                                     label=_("Scope"), empty_label=_("Whole district"))
    format = forms.ChoiceField(label=_("Format"), choices=Report.Format.choices)
    number = forms.CharField(label=_("Number and symbol"), max_length=50, required=False,
                             help_text=_("For example 25/BC-KT; left empty on a draft."))
    shortcomings = forms.CharField(label=_("Shortcomings"), required=False, max_length=20_000,
                                   widget=forms.Textarea(attrs={"rows": 4}))
    next_steps = forms.CharField(label=_("Next steps"), required=False, max_length=20_000,
                                 widget=forms.Textarea(attrs={"rows": 4}))
    signer_title = forms.CharField(label=_("Signer's title"), required=False, max_length=150,
                                   help_text=_('Printed above the signature; "Trưởng phòng" '
                                               "when left empty."))
    signer = forms.CharField(label=_("Signer's name"), required=False, max_length=150,
                             help_text=_("Printed under the space for the signature; left "
                                         "empty, a dotted line to write it by hand."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not sees_every_commune(user):
            del self.fields["commune"]
        else:  # a district's people: their district's communes
            self.fields["commune"].queryset = communes_for(user)
        if not can(user, "report.write"):
            for name in ("number", "shortcomings", "next_steps", "signer_title", "signer"):
                del self.fields[name]


class CityReportForm(forms.Form):
    """The city's report of a year (Sở Công Thương to UBND thành phố), on the city's page."""

    year = PlanYearField(label=_("Plan year"))
    format = forms.ChoiceField(label=_("Format"), choices=Report.Format.choices)
    number = forms.CharField(label=_("Number and symbol"), max_length=50, required=False,
                             help_text=_("For example 125/BC-SCT; left empty on a draft."))
    signer_title = forms.CharField(label=_("Signer's title"), required=False, max_length=150,
                                   help_text=_('Printed above the signature; "Giám đốc" when '
                                               "left empty."))
    signer = forms.CharField(label=_("Signer's name"), required=False, max_length=150,
                             help_text=_("Printed under the space for the signature; left "
                                         "empty, a dotted line to write it by hand."))


class LockForm(forms.Form):
    """Locking a year; unlocking goes through its own confirmation (views/locks.py)."""

    year = YearField(label=_("Year"))
    note = forms.CharField(label=_("Reason"), max_length=500, required=False)
    # Shown only once a lock was refused because forms of the year wait for review.
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    pending: list = []
    refusal: str = ""

    def ask_confirmation(self, refused) -> None:
        """Show why the lock was refused (facilities/locking.LockNeedsConfirmation), with the
        checkbox that confirms it."""
        self.pending, self.refusal = refused.pending, refused.message
        field = self.fields["confirm"]
        field.widget = forms.CheckboxInput()
        field.label = ngettext(
            "Lock even though %(count)s form awaits review",
            "Lock even though %(count)s forms await review", refused.count,
        ) % {"count": refused.count}
        self["confirm"].label = field.label  # the bound field copied the label when cleaned
