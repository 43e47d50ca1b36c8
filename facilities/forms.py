from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.permissions import can, held_commune_id
from accounts.selectors import communes_for
from facilities.models import Facility, Stage, normalize_tax_code
from melinh_sxsh.lib.conflicts import VersionedModelForm
from melinh_sxsh.lib.forms import OperatingYearField, YearField


class FacilityForm(VersionedModelForm):
    class Meta:
        model = Facility
        fields = ["tax_code", "name", "commune", "address", "sector", "kind", "group",
                  "main_products", "product_unit", "employees", "first_year", "last_year",
                  "contact_person", "phone", "email", "public_consent"]
        field_classes = {"first_year": OperatingYearField, "last_year": OperatingYearField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # A commune official keeps facilities of their own commune only; the others, of their
        # district's communes (every district's for whoever reads them all).
        self.fields["commune"].queryset = communes_for(user)
        if (commune_id := held_commune_id(user)) is not None:
            self.fields["commune"].initial = commune_id
            self.fields["commune"].empty_label = None
        if not can(user, "consent.change"):
            # Consent to be named publicly is recorded by the district's staff only.
            del self.fields["public_consent"]
        self.fields["tax_code"].help_text = _("10 digits, or 10 digits-3 digits for a branch.")

    def clean_tax_code(self) -> str:
        return normalize_tax_code(self.cleaned_data["tax_code"])

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("The name must not be empty."))
        return name


class StatusForm(forms.Form):
    year = YearField(label=_("Year"))
    stage = forms.TypedChoiceField(choices=Stage.choices, coerce=int, label=_("Stage"))
    note = forms.CharField(max_length=500, required=False, label=_("Note"))
    # The stage cell of the list posts the version of the status it showed (0: none); the
    # facility page's form records a stage for any year and posts none.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    # Asked only when the stage goes down (the confirmation page); the service requires it then.
    reason = forms.CharField(max_length=500, required=False,
                             label=_("Reason for lowering the stage"))


class BulkStatusForm(forms.Form):
    facilities = forms.TypedMultipleChoiceField(coerce=int, choices=(), error_messages={
        "required": _("Select at least one facility.")})
    year = YearField(label=_("Year"))
    stage = forms.TypedChoiceField(choices=Stage.choices, coerce=int, label=_("New stage"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id is accepted here; the service checks each one against the user's scope.
        self.fields["facilities"].valid_value = lambda value: True


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Template"))
    file = forms.FileField(label=_("Excel file (.xlsx, at most 10 MB)"),
                           widget=forms.ClearableFileInput(attrs={
                               "accept": ".xlsx,application/vnd.openxmlformats-officedocument."
                                         "spreadsheetml.sheet"}))

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds
