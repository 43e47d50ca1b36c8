"""Filters of the energy record list and the data-quality list (django-filter)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from accounts.models import Commune
from accounts.permissions import sees_every_commune
from accounts.selectors import communes_for
from audits.models import EnergyRecord, QualityFlag
from melinh_sxsh.lib.forms import YearField
from melinh_sxsh.lib.text import fold

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class YearFilter(django_filters.NumberFilter):
    # A text box, not the browser's number box (lib/forms.py says why).
    field_class = YearField


class _Styled(django_filters.FilterSet):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the user's communes are offered (their district's, or every district's).
        if sees_every_commune(user):
            communes = communes_for(user)
            self.filters["commune"].queryset = communes
            # django-filter keeps a filter's field once it is made: the form's own copy is
            # what is offered and checked.
            self.form.fields["commune"].queryset = communes
        else:
            del self.filters["commune"]
        for filter_field in self.form.fields.values():
            css = "form-select form-select-sm" if hasattr(filter_field, "choices") else \
                "form-control form-control-sm"
            filter_field.widget.attrs.setdefault("class", css)


class RecordFilter(_Styled):
    q = django_filters.CharFilter(method="search", label=_("Facility name or tax code"))
    commune = django_filters.ModelChoiceFilter(field_name="facility__commune",
                                               queryset=Commune.objects.none(), label=_("Commune"),
                                               empty_label=_("All communes"))
    year = YearFilter(label=_("Year"))
    verified = django_filters.ChoiceFilter(choices=YES_NO, method="filter_verified",
                                           label=_("Verified"), empty_label=_("All"))

    class Meta:
        model = EnergyRecord
        fields = ["q", "commune", "year", "verified"]

    def search(self, queryset, name, value):
        for word in fold(value).split()[:8]:
            queryset = queryset.filter(facility__search_text__contains=word)
        return queryset

    def filter_verified(self, queryset, name, value):
        return queryset.filter(verified_at__isnull=value != "yes")


class QualityFilter(_Styled):
    rule = django_filters.ChoiceFilter(choices=QualityFlag.Rule.choices, label=_("Rule"),
                                       empty_label=_("All rules"))
    commune = django_filters.ModelChoiceFilter(field_name="facility__commune",
                                               queryset=Commune.objects.none(), label=_("Commune"),
                                               empty_label=_("All communes"))
    year = YearFilter(label=_("Year"))

    class Meta:
        model = QualityFlag
        fields = ["rule", "commune", "year"]
