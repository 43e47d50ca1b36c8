from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Commune, Role
from reports.models import Plan, PlanTask, Report, Target, TaskReport


class TaskReportForm(forms.ModelForm):
    attachment = forms.FileField(label=_("Attachment (PDF, Word, Excel; up to 20 MB)"),
                                 required=False)

    class Meta:
        model = TaskReport
        fields = ["reported_on", "text", "status"]
        widgets = {"reported_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "text": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = PlanTask.Status.choices


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["code", "title", "year", "baseline_year", "signed_on", "signer", "signer_title"]
        widgets = {"signed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "title": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        data = super().clean()
        year, baseline = data.get("year"), data.get("baseline_year")
        if year and baseline and baseline >= year:
            self.add_error("baseline_year", _("The baseline year must come before the plan's "
                                              "year."))
        return data


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = ["indicator", "mode", "value", "band_low", "band_high"]

    def clean(self):
        data = super().clean()
        low, high = data.get("band_low"), data.get("band_high")
        if data.get("value") is not None and data["value"] < 0:
            self.add_error("value", _("A target cannot be negative."))
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


class BaseTargetFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            indicator = form.cleaned_data.get("indicator")
            if indicator in seen:
                raise forms.ValidationError(_("Each indicator has one target."))
            seen.add(indicator)


TargetFormSet = forms.inlineformset_factory(Plan, Target, form=TargetForm,
                                            formset=BaseTargetFormSet, extra=0, min_num=1,
                                            max_num=3, can_delete=True)
TaskFormSet = forms.inlineformset_factory(Plan, PlanTask, fields=["unit", "duty", "status"],
                                          extra=1, can_delete=True,
                                          widgets={"duty": forms.Textarea(attrs={"rows": 2})})


class ReportForm(forms.Form):
    year = forms.IntegerField(label=_("Plan year"), min_value=2001, max_value=2100)
    commune = forms.ModelChoiceField(Commune.objects.all(), required=False,
                                     label=_("Scope"), empty_label=_("Whole district"))
    format = forms.ChoiceField(label=_("Format"), choices=Report.Format.choices)
    number = forms.CharField(label=_("Number and symbol"), max_length=50, required=False,
                             help_text=_("For example 25/BC-KT; left empty on a draft."))
    shortcomings = forms.CharField(label=_("Shortcomings"), required=False, max_length=20_000,
                                   widget=forms.Textarea(attrs={"rows": 4}))
    next_steps = forms.CharField(label=_("Next steps"), required=False, max_length=20_000,
                                 widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.role == Role.COMMUNE:
            del self.fields["commune"]
        if user.role != Role.STAFF:
            for name in ("number", "shortcomings", "next_steps"):
                del self.fields[name]


class LockForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    action = forms.ChoiceField(choices=[("lock", _("Lock")), ("unlock", _("Unlock"))],
                               label=_("Action"))
    note = forms.CharField(label=_("Reason"), max_length=500, required=False)
