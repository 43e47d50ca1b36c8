"""The facility list's search, filters and sorting (django-filter)."""

import django_filters
from django.db.models import F, Q
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Commune
from accounts.permissions import sees_every_commune
from accounts.selectors import communes_for
from facilities.models import Facility, Sector, Stage
from melinh_sxsh.lib.text import fold

NO_STATUS = "none"


def _descending(label) -> str:
    return gettext("%(field)s (descending)") % {"field": label}


descending = lazy(_descending, str)


class NullsLastOrdering(django_filters.OrderingFilter):
    """Facilities without a value sort last both ways, on SQLite and PostgreSQL alike."""

    def build_choices(self, fields, labels):
        # django-filter writes "(descending)" once, in English, when the module is imported;
        # these labels are translated each time they are shown.
        ascending = [(param, labels.get(field, param)) for field, param in fields.items()]
        return [choice for param, label in ascending
                for choice in ((param, label), (f"-{param}", descending(label)))]

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        field = F(self.param_map[param.lstrip("-")])
        return field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)

    def filter(self, qs, value):
        if value in ([], (), {}, "", None):
            return qs
        return qs.order_by(*[self.get_ordering_value(param) for param in value], "name_sort")


class FacilityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name, tax code or address"))
    commune = django_filters.ModelChoiceFilter(queryset=Commune.objects.none(),
                                               label=_("Commune"), empty_label=_("All communes"))
    sector = django_filters.ModelChoiceFilter(queryset=Sector.objects.all(), label=_("Sector"),
                                              empty_label=_("All sectors"))
    group = django_filters.ChoiceFilter(choices=Facility.Group.choices, label=_("Group"),
                                        empty_label=_("All groups"))
    kind = django_filters.ChoiceFilter(choices=Facility.Kind.choices, label=_("Type"),
                                       empty_label=_("All types"))
    stage = django_filters.ChoiceFilter(
        choices=[(NO_STATUS, _("No status"))] + [(str(v), label) for v, label in Stage.choices],
        method="filter_stage", label=_("Stage in the year"), empty_label=_("All stages"))
    # Energy records belong to `audits`; the reverse lookup keeps this app from importing it.
    has_energy = django_filters.ChoiceFilter(
        choices=[("yes", _("With an energy record")), ("no", _("Without an energy record"))],
        method="filter_has_energy", label=_("Energy record in the year"), empty_label=_("All"))
    operating = django_filters.ChoiceFilter(
        choices=[("active", _("Operating in the year")), ("closed", _("Closed"))],
        method="filter_operating", label=_("Operation"), empty_label=_("All"))
    sort = NullsLastOrdering(
        fields=[("name_sort", "name"), ("tax_code", "tax_code"), ("commune__code", "commune"),
                ("year_stage", "stage"), ("employees", "employees")],
        field_labels={"name_sort": _("Name"), "tax_code": _("Tax code"),
                      "commune__code": _("Commune"), "year_stage": _("Stage"),
                      "employees": _("Employees")},
        label=_("Sort by"), empty_label=_("Name (A–Z)"))

    class Meta:
        model = Facility
        fields = ["q", "commune", "sector", "group", "kind", "stage", "has_energy", "operating"]

    def __init__(self, *args, year: int, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        if sees_every_commune(user):
            communes = communes_for(user)
            self.filters["commune"].queryset = communes
            # django-filter keeps a filter's field once it is made: the form's own copy is
            # what is offered and checked.
            self.form.fields["commune"].queryset = communes
        else:
            del self.filters["commune"]
        for field in self.form.fields.values():
            css = "form-control form-control-sm" if field.widget.input_type == "text" else \
                "form-select form-select-sm"
            field.widget.attrs.setdefault("class", css)

    def search(self, queryset, name, value):
        for word in fold(value).split()[:8]:
            queryset = queryset.filter(search_text__contains=word)
        return queryset

    def filter_stage(self, queryset, name, value):
        if value == NO_STATUS:
            return queryset.filter(year_stage__isnull=True)
        return queryset.filter(year_stage=int(value))

    def filter_has_energy(self, queryset, name, value):
        # At most one record per facility and year: the join adds no duplicate rows.
        if value == "yes":
            return queryset.filter(energy_records__year=self.year)
        return queryset.exclude(energy_records__year=self.year)

    def filter_operating(self, queryset, name, value):
        active = (Q(first_year__isnull=True) | Q(first_year__lte=self.year)) & (
            Q(last_year__isnull=True) | Q(last_year__gte=self.year))
        return queryset.filter(active) if value == "active" else queryset.exclude(active)
