from dataclasses import dataclass

from django.core.cache import cache
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from accounts.models import District
from accounts.navigation import items_for
from accounts.permissions import held_district_id, role_of

# How long a process trusts its count of districts: they change when units are loaded, once.
DISTRICTS_TTL_S = 300


def navigation(request):
    user = getattr(request, "user", None)
    # A user with a temporary password has nowhere to go but the password page.
    if user is None or not user.is_authenticated or user.must_change_password:
        return {"nav_items": []}
    return {"nav_items": items_for(user, request.path)}


@dataclass(frozen=True)
class Place:
    """Whose portal the page is, in the bar, the title and the footer."""

    name: str
    title: str
    office: str
    plan: str = ""
    # The title inside a sentence ("huyện Sóc Sơn").
    in_sentence: str = ""

    @property
    def description(self) -> str:
        if self.plan:
            return _("Cleaner-production portal of Mê Linh district, Hà Nội: facilities, "
                     "campaigns, energy records and progress reports under plan 108/KH-UBND.")
        return _("Cleaner-production portal of %(place)s: facilities, campaigns, energy "
                 "records and progress reports.") % {"place": self.in_sentence or self.title}


# Whether the portal served several districts when the user signed in: read once per session
# (remember_districts), so that no page pays a query for its bar.
SEVERAL = "sxsh_several_districts"


def several_districts() -> bool:
    several = cache.get(SEVERAL)
    if several is None:
        several = District.objects.count() > 1
        cache.set(SEVERAL, several, DISTRICTS_TTL_S)
    return several


def district_named(district_id: int) -> District:
    """A district as the bar names it, from the cache (names hardly ever change): no page pays
    a query for it."""
    key = f"{SEVERAL}:{district_id}"
    district = cache.get(key)
    if district is None:
        district = District.objects.get(pk=district_id)
        cache.set(key, district, DISTRICTS_TTL_S)
    return district


def remember_districts(sender, request, user, **kwargs) -> None:
    """At sign-in (user_logged_in, connected in AccountsConfig.ready)."""
    if request is not None and hasattr(request, "session"):
        request.session[SEVERAL] = several_districts()


def place_of(request) -> Place:
    """One district in the database: the portal is Mê Linh's, word for word as it always was.
    Several: a district's people see their district's, the others the city's."""
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    remembered = session is not None and SEVERAL in session
    if not (session[SEVERAL] if remembered else several_districts()):
        return Place(_("Mê Linh"), _("Mê Linh district"),
                     _("Economic Department, People's Committee of Mê Linh district"),
                     _("Plan 108/KH-UBND"))
    district_id = held_district_id(user) if role_of(user) else None
    if district_id is not None:
        district = district_named(district_id)
        named = str(district)
        lowered = named[:1].lower() + named[1:]  # "Huyện Sóc Sơn" inside a sentence
        return Place(district.name, named, _(
            "Economic Department, People's Committee of %(district)s"
        ) % {"district": lowered}, in_sentence=lowered)
    return Place(_("Hà Nội"), _("Hà Nội"), _("Hanoi Department of Industry and Trade"))


def place(request):
    return {"place": SimpleLazyObject(lambda: place_of(request))}
