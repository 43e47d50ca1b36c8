"""Whose public pages a request is for: with one district in the database, that district's, at
the addresses they always had; with several, the city's at /public/ and each district's under
/public/<its name>/ (docs/ARCHITECTURE.md, "Public pages")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from melinh_sxsh.lib import dataversion
from public import selectors
from public.selectors import PublicDistrict
from reports import kpis


@dataclass(frozen=True)
class Place:
    """What the bar, the title, the footer and the headings call the pages' owner."""

    # The bar, wide and narrow.
    brand: str
    short: str
    # After the page's title in the window's title.
    title: str
    office: str
    plan: str
    description: str
    # The home page's heading and what it says first.
    heading: str
    intro: str


def one_district_place() -> Place:
    """Mê Linh's pages, word for word as they were before there were districts."""
    return Place(
        brand=_("Cleaner production in Mê Linh"), short=_("Mê Linh"),
        title=_("Mê Linh district"),
        office=_("Economic Department, People's Committee of Mê Linh district"),
        plan=_("Plan 108/KH-UBND"),
        description=_("Public information on the cleaner-production plan of Mê Linh district, "
                      "Hà Nội: progress, news, events, documents and the technology catalogue."),
        heading=_("Cleaner production in Mê Linh district"),
        intro=_("Under plan 108/KH-UBND of 28/3/2018, Mê Linh district helps its enterprises, "
                "cooperatives and household businesses to produce more cleanly: to use less "
                "energy and materials per product and to pollute less. This page shows how far "
                "the district has come against the plan's targets."))


def district_place(district: PublicDistrict) -> Place:
    place = {"place": district.in_sentence}
    return Place(
        brand=_("Cleaner production in %(place)s") % {"place": district.name},
        short=district.name, title=district.title,
        office=_("Economic Department, People's Committee of %(district)s")
        % {"district": district.in_sentence}, plan="",
        description=_("Public information on the cleaner production of %(place)s, Hà Nội: "
                      "progress, news, events, documents and the technology catalogue.") % place,
        heading=_("Cleaner production in %(place)s") % place,
        intro=_("%(place)s helps its enterprises, cooperatives and household businesses to "
                "produce more cleanly: to use less energy and materials per product and to "
                "pollute less. This page shows how far the district has come against its "
                "plan's targets.") % {"place": district.title})


def city_place() -> Place:
    city = _("Hà Nội")
    return Place(
        brand=_("Cleaner production in %(place)s") % {"place": city}, short=city, title=city,
        office=_("Hanoi Department of Industry and Trade"), plan="",
        description=_("Public information on cleaner production in the districts of Hà Nội: "
                      "progress, news, events, documents and the technology catalogue."),
        heading=_("Cleaner production in %(place)s") % {"place": city},
        intro=_("The districts of Hà Nội help their enterprises, cooperatives and household "
                "businesses to produce more cleanly, each under its own plan within the city's. "
                "This page shows the city's progress, the sum of its districts', and each "
                "district's; a district's name opens its own pages."))


@dataclass(eq=False)
class Where:
    """The pages of one request: `district` None is the city's (with one district in the
    database, that district's, at the addresses without a district)."""

    districts: tuple[PublicDistrict, ...]
    district: PublicDistrict | None
    token: str

    @property
    def several(self) -> bool:
        return len(self.districts) > 1

    @property
    def is_city(self) -> bool:
        """The city's own pages: several districts, none chosen."""
        return self.several and self.district is None

    @property
    def district_id(self) -> int | None:
        return self.district.pk if self.district else None

    @property
    def scope(self) -> kpis.Scope:
        return kpis.Scope(district_id=self.district_id)

    @cached_property
    def place(self) -> Place:
        if not self.several:
            return one_district_place()
        return district_place(self.district) if self.district else city_place()

    def of(self, district_id: int | None) -> PublicDistrict | None:
        return next((d for d in self.districts if d.pk == district_id), None)

    def url(self, name: str, *args: Any, district_id: int | None = None) -> str:
        """The address of page `name` of this request's district, or of `district_id`'s."""
        district = self.of(district_id) if district_id else self.district
        if district is None or not self.several:
            return reverse(f"public:{name}", args=args)
        return reverse(f"public:district:{name}", args=[district.slug, *args])


def redirect_to(request: HttpRequest, name: str, *args: Any) -> HttpResponse:
    query = request.META.get("QUERY_STRING", "")
    return HttpResponseRedirect(reverse(name, args=args) + (f"?{query}" if query else ""))


def located(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Hand the view its `Where` in place of the address's district: an unknown district is a
    404; a district's official code leads to its address by name; with one district its own
    address leads to the one it always had."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, district: str | None = None,
                **kwargs: Any) -> HttpResponse:
        token = dataversion.current()
        every = selectors.districts(token)
        if district is None:
            return view(request, Where(every, None, token), *args, **kwargs)
        found = next((d for d in every if district in (d.slug, d.code)), None)
        if found is None:
            raise Http404
        name = request.resolver_match.url_name
        if len(every) == 1:
            return redirect_to(request, f"public:{name}", *kwargs.values())
        if district != found.slug:
            return redirect_to(request, f"public:district:{name}", found.slug, *kwargs.values())
        return view(request, Where(every, found, token), *args, **kwargs)

    return wrapper


def in_its_district(request: HttpRequest, where: Where, name: str, district_id: int,
                    pk: int) -> HttpResponse | None:
    """An item asked for at the address without a district while there are several: a redirect
    to its district's address (the addresses of before the city keep working); else None."""
    district = where.of(district_id) if where.is_city else None
    if district is None:
        return None
    return redirect_to(request, f"public:district:{name}", district.slug, pk)
