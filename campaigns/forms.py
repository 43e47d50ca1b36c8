from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Commune, Unit
from accounts.permissions import held_unit_id, scope_queryset
from accounts.selectors import communes_for, units
from campaigns.models import Attachment, Campaign, DemonstrationModel, Document, FundingLine
from facilities.models import Facility
from melinh_sxsh.lib.conflicts import VersionedModelForm
from melinh_sxsh.lib.forms import ModelForm, NumberField, PlanYearField

PEOPLE = {"min_value": 1, "max_value": 10_000}


class CampaignForm(VersionedModelForm):
    class Meta:
        model = Campaign
        fields = ["kind", "title", "lead_unit", "starts_on", "ends_on", "place",
                  "people_reached", "copies_printed", "broadcasts_aired", "description",
                  "visited_model", "is_public"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # A study tour visits a model of the user's district.
        self.fields["visited_model"].queryset = scope_queryset(
            user, DemonstrationModel.objects.all(), None, district_path="district")
        self.fields["lead_unit"].queryset = units(user)
        if (unit_id := held_unit_id(user)) is not None:
            self.fields["lead_unit"].queryset = Unit.objects.filter(pk=unit_id)
            self.fields["lead_unit"].initial = unit_id
            self.fields["lead_unit"].empty_label = None
            self.fields["lead_unit"].disabled = True
        elif not self.instance.pk:
            # The user's district's Economic Department (each district has a "KINH_TE").
            self.fields["lead_unit"].initial = units(user).filter(code="KINH_TE").first()


class AttendanceSearchForm(forms.Form):
    q = forms.CharField(label=_("Name, tax code or address"), required=False, max_length=100)
    commune = forms.ModelChoiceField(Commune.objects.none(), label=_("Commune"), required=False,
                                     empty_label=_("All communes"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes_for(user)


class AttendanceAddForm(forms.Form):
    facilities = forms.ModelMultipleChoiceField(Facility.objects.all(),
                                                widget=forms.CheckboxSelectMultiple,
                                                label=_("Facilities"))
    people = NumberField(label=_("People each sent"), initial=1, **PEOPLE)


class AttendancePasteForm(forms.Form):
    tax_codes = forms.CharField(label=_("Tax codes, one per line or separated by commas"),
                                widget=forms.Textarea(attrs={"rows": 6}), max_length=200_000)
    people = NumberField(label=_("People each sent"), initial=1, **PEOPLE)


class PeopleForm(forms.Form):
    people = NumberField(label=_("People sent"), **PEOPLE)


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(choices=Attachment.Kind.choices, label=_("Kind"))
    file = forms.FileField(label=_("File (documents up to 20 MB, photos up to 5 MB)"))


class FundingLineForm(ModelForm):
    class Meta:
        model = FundingLine
        fields = ["source", "year", "planned_vnd", "spent_vnd", "note"]
        # Budgets are planned ahead.
        field_classes = {"year": PlanYearField}


class DocumentForm(ModelForm):
    file = forms.FileField(label=_("File (PDF, Word, Excel, PowerPoint; up to 20 MB)"))

    class Meta:
        model = Document
        fields = ["title", "kind", "campaign", "is_public"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        campaigns = scope_queryset(user, Campaign.objects.all(), None, district_path="district")
        self.fields["campaign"].queryset = campaigns
        if (unit_id := held_unit_id(user)) is not None:
            # A unit officer files documents under their own unit's campaigns.
            self.fields["campaign"].queryset = campaigns.filter(lead_unit=unit_id)
            self.fields["campaign"].required = True


class DemonstrationModelForm(VersionedModelForm):
    class Meta:
        model = DemonstrationModel
        fields = ["title", "host", "technology", "year", "before_year", "after_year",
                  "cp_measures", "description"]
        widgets = {"technology": forms.Textarea(attrs={"rows": 3}),
                   "description": forms.Textarea(attrs={"rows": 4})}
        # A model may be proposed for a coming year; it is measured in years gone by.
        field_classes = {"year": PlanYearField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The hosts the user may name: their district's facilities.
        self.fields["host"].queryset = scope_queryset(
            user, Facility.objects.select_related("commune"), "commune")
        self.fields["cp_measures"].widget = forms.CheckboxSelectMultiple()
        self.fields["cp_measures"].queryset = self.fields["cp_measures"].queryset.filter(
            facility_id=self.instance.host_id).select_related("technique")
        self.fields["cp_measures"].help_text = _(
            "The host's measures (save the host first to choose among them).")

    def clean(self):
        data = super().clean()
        host, measures = data.get("host"), data.get("cp_measures") or []
        if host and any(measure.facility_id != host.pk for measure in measures):
            self.add_error("cp_measures", _("Choose only measures of the host facility."))
        return data


class MoveForm(forms.Form):
    to_status = forms.ChoiceField(choices=DemonstrationModel.Status.choices)
    reason = forms.CharField(max_length=500, required=False, label=_("Reason"))
