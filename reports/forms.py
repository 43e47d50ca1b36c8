from django import forms
from django.utils.translation import gettext_lazy as _

from reports.models import PlanTask, TaskReport


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
