from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from audits.models import CPMeasure, EnergyRecord, EnergyUse
from melinh_sxsh.lib.importing import CellError, parse_number


class NumberField(forms.CharField):
    """A number typed the Vietnamese way (1.234,5 or 1234,5), as the Excel templates accept it;
    shown back without grouping so that it reads the same way again. Refuses negatives."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                    "maxlength": 40})

    def __init__(self, *, places: int = 4, integer: bool = False,
                 maximum: Decimal | int | None = None, negative_message=None, **kwargs):
        self.places, self.integer, self.maximum = places, integer, maximum
        self.negative_message = negative_message or _("The value cannot be negative.")
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
            text = f"{Decimal(value).normalize():f}" if value else "0"
            return text.replace(".", ",")
        return value

    def to_python(self, value: Any) -> Decimal | int | None:
        text = super().to_python(value)
        if not text:
            return None
        if len(text) > 40:
            raise forms.ValidationError(_("The number is too long."))
        try:
            number = parse_number(text, integer=self.integer, minimum=None, maximum=self.maximum)
        except CellError as exc:
            raise forms.ValidationError(exc.message[:1].upper() + exc.message[1:]) from None
        if number < 0:
            raise forms.ValidationError(self.negative_message)
        if self.integer:
            return int(number)
        quantum = Decimal(1).scaleb(-self.places)
        if number != number.quantize(quantum, rounding=ROUND_HALF_UP):
            raise forms.ValidationError(_("Use at most %(places)s decimal places.")
                                        % {"places": self.places})
        return number


class EnergyRecordForm(forms.ModelForm):
    output = NumberField(label=_("Production output"), maximum=Decimal(10) ** 14 - 1,
                         negative_message=_("The output cannot be negative."),
                         help_text=_("In the product unit below. Zero is accepted but flagged."))

    class Meta:
        model = EnergyRecord
        fields = ["year", "output", "product_unit", "source", "is_baseline"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", "—")] + EnergyRecord.Source.choices


class EnergyUseForm(forms.ModelForm):
    quantity = NumberField(label=_("Quantity"), maximum=Decimal(10) ** 14 - 1,
                           negative_message=_("An energy quantity cannot be negative."))

    class Meta:
        model = EnergyUse
        fields = ["carrier", "quantity"]

    def validate_unique(self) -> None:
        pass  # lines are matched by carrier when saved; the formset refuses duplicates


class BaseEnergyUseFormSet(BaseInlineFormSet):
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
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            yield form

    def lines(self) -> dict[int, Decimal]:
        """carrier id -> quantity, for the service."""
        return {form.cleaned_data["carrier"].pk: form.cleaned_data["quantity"]
                for form in self._kept_forms()}

    def validate_unique(self) -> None:
        pass  # duplicates are refused in clean() with a message of our own


EnergyUseFormSet = inlineformset_factory(
    EnergyRecord, EnergyUse, form=EnergyUseForm, formset=BaseEnergyUseFormSet, extra=3,
    can_delete=True, max_num=30, validate_max=True)


class CPMeasureForm(forms.ModelForm):
    investment_vnd = NumberField(label=_("Investment (VND)"), integer=True, maximum=10 ** 15,
                                 required=False)
    yearly_saving_vnd = NumberField(label=_("Yearly saving (VND)"), integer=True,
                                    maximum=10 ** 15, required=False)
    energy_saved_toe = NumberField(label=_("Energy saved (TOE per year)"), places=3,
                                   maximum=Decimal(10) ** 11 - 1, required=False)

    class Meta:
        model = CPMeasure
        fields = ["technique", "description", "investment_vnd", "yearly_saving_vnd",
                  "energy_saved_toe", "status", "implemented_on"]
        widgets = {
            "implemented_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_investment_vnd(self) -> int:
        return self.cleaned_data.get("investment_vnd") or 0

    def clean_yearly_saving_vnd(self) -> int:
        return self.cleaned_data.get("yearly_saving_vnd") or 0
