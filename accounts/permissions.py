"""The one permission checker. Every view and selector asks it; nothing else decides.

Two questions, in this order:

1. May the user *see* the object at all? A commune official sees only objects of their own
   commune; for anything else the answer is 404, so that an outsider learns nothing.
2. May the user's role do the action? If not, 403. Unit officers may change only the objects of
   their own unit.

Objects tell the checker where they belong through two optional attributes: `scope_commune_id`
(the commune an object belongs to, or None when it belongs to the whole district) and
`scope_unit_id` (the implementing unit that owns it).

Naming a facility. Whatever names a facility (its name, tax code, a link to it) or shows figures
that are its own (energy records, SEC, savings, CP measures) follows the facility page: a commune
official sees their commune's facilities only, and on a district-wide page another commune's
facility is left out, never named. The public sees a facility only when it agreed to be shown
(`Facility.public_consent`). `may_name` answers it for one facility.

District-wide activities keep their page for everyone and hide what is another commune's inside
it: a campaign shows a commune official only their commune's attendance, and a demonstration
model hosted by another commune's facility is shown (its title, technology, status, study tours:
the district's own text, which must not name the host) with the host as "a facility of
<commune>": no name, no link, no energy result, no CP measures. A model is an activity others
are invited to visit, so a 404 would hide the district's work; the host is what is not theirs.

Small groups. An aggregate (a sum, a median) over a group of facilities identifies a member
when the group is small: it is shown only for groups of at least `MIN_GROUP_SIZE` facilities,
or when every facility in the group is one the viewer may name anyway (`may_show_group`). This
holds for the public pages (the catalogue by sector and technique, the energy saved) and for a
commune official on district-wide pages.

The budget. Funding lines (planned and spent VND) and every sum of them are shown only to
`budget.view`: pages and fragments ask it of their reader. A generated report is one file for
all its readers, so it carries the budget only if every role that may open a report of its
scope may see the budget (`report_shows_budget`): a commune's report is read by that commune's
officials, so it leaves the district's budget out.

Report drafts. A report is rebuilt or deleted (`report.change`) by the Economic Department or by
the person who asked for it, and by nobody else.

An enterprise account (`enterprise`) represents one or more facilities: it sees their objects
(`scope_facility_id`) and nothing else, 404, and none of the district's pages, 403.

Districts. Staff, leaders, commune officials and unit officers belong to one district
(`user.district`, DISTRICT_BOUND) and see nothing of another: an object of another district is
a 404 like another commune's to a commune official. An object says where it belongs by its
`scope_commune_id` (its commune's district, which the checker reads once per user object) or,
without a commune, its `scope_district_id` (None: the city's own, e.g. the city's plan, seen by
all who may see that kind of object). The city's officers (`city`) and the administrators read
every district (CITY_WIDE); the city's officers write nothing of a district's, and keep the
city's own objects (OWN_LEVEL_ACTIONS). An object that names every district's figures (the city's
report) says so by `scope_city_only` (and its model, for lists, by `scope_city_only_field`): no
district-bound role sees it (404), though it belongs to no district. With one district in the
database nothing of this shows.

Roles are named here and nowhere else in the code (a test holds every other module to it): a view,
form, service or selector asks a question below (`can`, `sees_every_commune`, `held_commune`,
`held_unit`, `dashboard_commune`, ...) and never compares `user.role` itself. A new role is a row
in the role sets and in RULES, and a column in the authorization matrix test.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from accounts.models import Commune, Role

STAFF, COMMUNE, UNIT, LEADER, ADMIN, ENTERPRISE, CITY = (
    Role.STAFF, Role.COMMUNE, Role.UNIT, Role.LEADER, Role.ADMIN, Role.ENTERPRISE, Role.CITY
)
EVERYONE = frozenset(Role)
# The district's own people: the portal's pages are theirs. An enterprise account has its own
# page and its facilities' submissions, and none of these pages.
DISTRICT = frozenset({STAFF, COMMUNE, UNIT, LEADER, ADMIN})
# Who reads the district's pages: its people, and the city's officers (Sở Công Thương), who read
# every district's and change none.
READERS = DISTRICT | {CITY}

# Roles held to one district (`user.district`): they see only that district's objects (404
# outside it). The others read every district (CITY_WIDE), or are held to their facilities.
DISTRICT_BOUND = frozenset({STAFF, LEADER, COMMUNE, UNIT})
CITY_WIDE = frozenset({CITY, ADMIN})

# Roles held to one commune (`user.commune`): they see only that commune's objects (404 outside
# it), and what they keep, import, report on or look at on the dashboard is that commune's.
COMMUNE_BOUND = frozenset({COMMUNE})
# Roles held to the facilities their account represents (`user.represented_facilities`): they
# see only objects of those facilities (`scope_facility_id`), 404 for everything else.
FACILITY_BOUND = frozenset({ENTERPRISE})
# Roles whose pages span every commune (of their district, or of the city).
DISTRICT_WIDE = READERS - COMMUNE_BOUND
# Roles held to one implementing unit (`user.unit`): OWN_UNIT_ACTIONS only on their unit's
# objects, and the campaigns and documents they create are their unit's.
UNIT_BOUND = frozenset({UNIT})
# Roles that act on what anyone asked for (OWN_REQUEST_ACTIONS, import jobs); the others only on
# what they asked for themselves.
ANY_REQUESTER = frozenset({STAFF})
# Roles whose accounts may be the state officer in charge of cleaner production (target 3).
OFFICER_ROLES = frozenset({STAFF})

# Which roles may perform each action, before object scoping.
RULES: dict[str, frozenset[str]] = {
    "dashboard.view": READERS,
    "facility.view": READERS,
    "facility.change": frozenset({STAFF, COMMUNE}),
    "facility.delete": frozenset({STAFF}),
    "facility.import": frozenset({STAFF, COMMUNE}),
    # Whether the public pages may name a facility: seen (with its history) by all but commune
    # officials, recorded by staff.
    "consent.view": frozenset({STAFF, UNIT, LEADER, ADMIN}),
    "consent.change": frozenset({STAFF}),
    "status.change": frozenset({STAFF, COMMUNE}),
    "campaign.view": READERS,
    "campaign.change": frozenset({STAFF, UNIT}),
    "model.change": frozenset({STAFF}),
    "document.change": frozenset({STAFF}),
    "budget.view": frozenset({STAFF, LEADER, ADMIN, UNIT, CITY}),
    "energy.view": READERS,
    "energy.change": frozenset({STAFF}),
    "quality.view": frozenset({STAFF, COMMUNE, LEADER, ADMIN, CITY}),
    # The technology catalogue (aggregates only, accounts/permissions "Small groups"): the
    # district's people, and enterprises, to see what others did; it names the facilities
    # behind each row to staff only.
    "catalogue.view": READERS | {ENTERPRISE},
    "catalogue.names": frozenset({STAFF}),
    "plan.view": READERS,
    # A district's plan by its staff, the city's plan (1048/KH-SCT) by the city's officers:
    # OWN_LEVEL_ACTIONS.
    "plan.change": frozenset({STAFF, CITY}),
    "task.report": frozenset({STAFF, UNIT}),
    "report.view": READERS,
    "report.create": frozenset({STAFF, COMMUNE, LEADER}),
    "report.issue": frozenset({STAFF}),
    # Write a report's number and symbol, shortcomings and next steps.
    "report.write": frozenset({STAFF}),
    # Build a draft again, or delete it: see OWN_REQUEST_ACTIONS.
    "report.change": frozenset({STAFF, COMMUNE, LEADER}),
    # Return a district's issued report to it with a reason (Sở Công Thương's answer).
    "report.return": frozenset({CITY}),
    # The city's page of the districts' yearly reports: submitted, returned, late.
    "submissions.city": frozenset({CITY, ADMIN}),
    # The city's report to UBND thành phố (every district's figures): built, rebuilt or
    # deleted while a draft, and issued, by the city's officers; read by CITY_WIDE only.
    "cityreport.create": frozenset({CITY}),
    "cityreport.issue": frozenset({CITY}),
    "year.lock": frozenset({STAFF}),
    # Data requests to facilities: who answered (a commune official: their commune's
    # facilities); create one, print and send its invitations.
    "request.view": frozenset({STAFF, COMMUNE, LEADER, CITY}),
    "request.change": frozenset({STAFF}),
    # Fill in a facility's submission (staff type in a form that came on paper) and accept or
    # return a submitted one.
    "submission.fill": frozenset({STAFF, ENTERPRISE}),
    "submission.review": frozenset({STAFF}),
    # Read a facility's submission with the figures beside it: staff, and the facility's
    # commune official (read only).
    "submission.view": frozenset({STAFF, COMMUNE}),
    # An enterprise's own page: its facilities, their figures and their submissions.
    "enterprise.home": frozenset({ENTERPRISE}),
    "system.admin": frozenset({ADMIN}),
    # One's own password, with the current one; another user's, as a temporary one that also
    # lifts their login lock.
    "user.change_password": EVERYONE,
    "user.reset_password": frozenset({ADMIN}),
}

# Actions a unit officer may take only on objects of their own unit.
OWN_UNIT_ACTIONS = frozenset({"campaign.change", "task.report"})
# Actions that only ANY_REQUESTER roles and the person who asked for the object
# (`requested_by_id`) may take.
OWN_REQUEST_ACTIONS = frozenset({"report.change"})
# Actions a district's role takes only on its own district's objects, and a city-wide role only
# on the city's own (`scope_district_id` None).
OWN_LEVEL_ACTIONS = frozenset({"plan.change"})

# Actions staff may hand to the commune officials of an object's commune, object by object:
# allowed to them when the object says so (`delegated_to_commune`, e.g. a data request whose
# forms the communes may accept or return).
DELEGABLE = {"submission.review": frozenset({COMMUNE})}

# The smallest group of facilities whose aggregates (sums, medians) may be shown to someone who
# may not name every facility in it (see the module's docstring, "Small groups").
MIN_GROUP_SIZE = 3

M = TypeVar("M", bound=Model)


def role_of(user: Any) -> str | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return user.role


def can_see(user: Any, obj: Any) -> bool:
    """Whether the object lies within the user's scope (district-bound roles: their district;
    commune officials: their commune)."""
    role = role_of(user)
    if role is None:
        return False
    if role in FACILITY_BOUND:
        return getattr(obj, "scope_facility_id", None) in represented_ids(user)
    commune_id = getattr(obj, "scope_commune_id", None)
    if role in COMMUNE_BOUND and commune_id is not None:
        return commune_id == user.commune_id
    if role not in DISTRICT_BOUND:
        return True
    if getattr(obj, "scope_city_only", False):  # every district's figures: the city's alone
        return False
    if commune_id:  # 0: a district's own object that no commune official may open
        return commune_id in district_commune_ids(user)
    district_id = getattr(obj, "scope_district_id", None)
    return district_id is None or district_id == user.district_id


def represented_ids(user: Any) -> frozenset[int]:
    """The ids of the facilities an enterprise account represents (read once per user object,
    i.e. once per request)."""
    cached = getattr(user, "_represented_ids", None)
    if cached is None:
        cached = frozenset(user.represented_facilities.values_list("pk", flat=True))
        user._represented_ids = cached
    return cached


def held_district_id(user: Any) -> int | None:
    """The id of the district the user is held to, or None: every district (the city's
    officers, the administrators; an enterprise is held to its facilities instead)."""
    return user.district_id if role_of(user) in DISTRICT_BOUND else None


def district_commune_ids(user: Any) -> frozenset[int]:
    """The ids of the communes of the user's district (read once per user object, i.e. once per
    request): the checker judges an object of a commune by them without a query per object."""
    cached = getattr(user, "_district_commune_ids", None)
    if cached is None:
        cached = frozenset(Commune.objects.filter(district_id=held_district_id(user))
                           .values_list("pk", flat=True))
        user._district_commune_ids = cached
    return cached


def scope_district_id(obj: Any) -> int | None:
    """The district an object without a commune belongs to (None: the city's own)."""
    return getattr(obj, "scope_district_id", None)


def role_may(role: str | None, action: str) -> bool:
    """What `can(user, action)` answers, with no object, for any signed-in user of the role:
    the role alone decides it (the navigation bar keeps its menu per role by this)."""
    if action not in RULES:
        raise KeyError(f"unknown action {action!r}")
    return role in RULES[action]


def can(user: Any, action: str, obj: Any = None) -> bool:
    """Whether the user may perform the action (on the object, when one is given)."""
    if action not in RULES:
        raise KeyError(f"unknown action {action!r}")
    role = role_of(user)
    if role is None:
        return False
    if role not in RULES[action]:
        return (role in DELEGABLE.get(action, ()) and obj is not None
                and getattr(obj, "delegated_to_commune", False) and can_see(user, obj))
    if obj is None:
        return True
    if not can_see(user, obj):
        return False
    if action in OWN_LEVEL_ACTIONS:
        level = scope_district_id(obj)
        if role in DISTRICT_BOUND and level != user.district_id:
            return False
        if role in CITY_WIDE and level is not None:
            return False
    if role in UNIT_BOUND and action in OWN_UNIT_ACTIONS:
        return getattr(obj, "scope_unit_id", None) == user.unit_id
    if role not in ANY_REQUESTER and action in OWN_REQUEST_ACTIONS:
        return getattr(obj, "requested_by_id", None) == user.pk
    return True


def check(user: Any, action: str, obj: M | None = None) -> M | None:
    """Return the object if the user may act on it; raise 404 outside scope, 403 otherwise."""
    if obj is not None and not can_see(user, obj):
        raise Http404
    if not can(user, action, obj):
        raise PermissionDenied
    return obj


def scope_queryset(user: Any, queryset: QuerySet[M], commune_path: str | None, *,
                   district_path: str | None = None) -> QuerySet[M]:
    """Limit a queryset to what the user may see.

    `commune_path` is the lookup from the model to its commune id (e.g. "commune" for a
    facility, "facility__commune" for a status), or None for objects without a commune;
    `district_path` the lookup to the district of objects without a commune (e.g. "district"
    for a plan), whose NULL is the city's own (seen by every district).
    """
    role = role_of(user)
    if role is None:
        return queryset.none()
    if role in FACILITY_BOUND:
        if commune_path is None:  # the district's own objects: none is a facility's
            return queryset.none()
        # "commune" is a facility's own; "facility__commune" an object's facility's.
        facility = commune_path.removesuffix("commune").removesuffix("__")
        lookup = f"{facility}_id__in" if facility else "pk__in"
        return queryset.filter(**{lookup: represented_ids(user)})
    if role in DISTRICT_BOUND and (city_only := getattr(queryset.model,
                                                         "scope_city_only_field", None)):
        queryset = queryset.exclude(**{city_only: True})
    if role in DISTRICT_BOUND and district_path is not None:
        queryset = queryset.filter(Q(**{f"{district_path}_id": user.district_id})
                                   | Q(**{f"{district_path}__isnull": True}))
    if role in COMMUNE_BOUND and commune_path is not None:
        return queryset.filter(**{f"{commune_path}_id": user.commune_id})
    if role in DISTRICT_BOUND and commune_path is not None:
        within = Q(**{f"{commune_path}__district_id": user.district_id})
        if _nullable(queryset.model, commune_path):
            # An object without a commune is judged by its district (district_path), as
            # can_see does.
            within |= Q(**{f"{commune_path}__isnull": True})
        queryset = queryset.filter(within)
    return queryset


def within_district(user: Any, queryset: QuerySet[M], commune_path: str) -> QuerySet[M]:
    """Limit a queryset to the user's district only (every district for those who read them
    all, and for the public: `user` None), without narrowing to a commune: for the district's
    aggregates, whose small groups `may_show_group` hides."""
    district_id = held_district_id(user) if user is not None else None
    if district_id is None:
        return queryset
    return queryset.filter(**{f"{commune_path}__district_id": district_id})


def _nullable(model: type[Model], path: str) -> bool:
    """Whether a lookup path of foreign keys may end in NULL (any key along it may be)."""
    for name in path.split("__"):
        field = model._meta.get_field(name)
        if field.null:
            return True
        model = field.related_model
    return False


def requests_visible(user: Any, queryset: QuerySet[M]) -> QuerySet[M]:
    """Objects someone asked for (`requested_by`, e.g. import jobs): every one of their district's
    people for the roles that act on anyone's requests (ANY_REQUESTER), the user's own for the
    others."""
    role = role_of(user)
    if role is None:
        return queryset.none()
    if role in ANY_REQUESTER:
        if (district_id := held_district_id(user)) is not None:
            return queryset.filter(requested_by__district_id=district_id)
        return queryset
    return queryset.filter(requested_by=user)


# ---- the command line ------------------------------------------------------------------------
# `manage.py import_xlsx` writes with user None: whoever runs commands on the server holds every
# permission there already. The many-row services (and the importers that call them) take None
# as that operator; a web request or a background job always carries its user.

def can_write(user: Any, action: str, obj: Any = None) -> bool:
    """`can`, with None as the operator at the command line."""
    return user is None or can(user, action, obj)


def check_write(user: Any, action: str) -> None:
    """`check` of the role only, with None as the operator; 403 otherwise."""
    if user is not None:
        check(user, action)


def scope_write(user: Any, queryset: QuerySet[M], commune_path: str | None, *,
                district_path: str | None = None) -> QuerySet[M]:
    """`scope_queryset`, with None as the operator (everything)."""
    return queryset if user is None else scope_queryset(user, queryset, commune_path,
                                                         district_path=district_path)


# ---- the user's own commune and unit ---------------------------------------------------------

def sees_every_commune(user: Any) -> bool:
    """Whether the user's pages span the district (lists offer a commune filter, the dashboard
    every commune's row); False for commune officials and for nobody signed in."""
    return role_of(user) in DISTRICT_WIDE


def role_represents_facilities(role: str) -> bool:
    """Whether accounts of `role` are linked to the facilities they represent (and need one)."""
    return role in FACILITY_BOUND


def landing(user: Any) -> str:
    """The page a user's "/" is: the dashboard, or an enterprise's own page."""
    return "audits:enterprise" if can(user, "enterprise.home") else "dashboard"


def held_commune_id(user: Any) -> int | None:
    """The id of the commune the user is held to (a commune official's), or None."""
    return user.commune_id if role_of(user) in COMMUNE_BOUND else None


def held_commune(user: Any) -> Any:
    """The commune the user is held to (a commune official's), or None."""
    return user.commune if role_of(user) in COMMUNE_BOUND else None


def may_place_in_commune(user: Any, commune: Any) -> bool:
    """Whether the user may keep an object in `commune` (a commune, or its id; None: not
    chosen yet): a commune official only in their own, a district's people in their district's
    communes, everyone else anywhere."""
    if commune is None:
        return True
    commune_id = getattr(commune, "pk", commune)
    held = held_commune_id(user)
    if held is not None:
        return commune_id == held
    if held_district_id(user) is not None:
        return commune_id in district_commune_ids(user)
    return True


def dashboard_commune(user: Any, requested_code: str) -> Any:
    """The commune a dashboard (or a list of its figures) shows: a commune official's own
    whatever was asked for; for the others the commune of `requested_code` within what they
    read (their district's communes), or None (all of it) when the code is empty or unknown."""
    if not sees_every_commune(user):
        return held_commune(user)
    if not requested_code:
        return None
    communes = Commune.objects.filter(code=requested_code)
    if (district_id := held_district_id(user)) is not None:
        communes = communes.filter(district_id=district_id)
    return communes.first()


def held_unit_id(user: Any) -> int | None:
    """The id of the implementing unit the user is held to (a unit officer's), or None."""
    return user.unit_id if role_of(user) in UNIT_BOUND else None


def held_unit(user: Any) -> Any:
    """The implementing unit the user is held to (a unit officer's), or None: what they create
    is that unit's."""
    return user.unit if role_of(user) in UNIT_BOUND else None


# ---- documents and funding lines ----------------------------------------------------------

def may_add_document(user: Any) -> bool:
    """Whether the user may open the library's upload form: staff add any document
    (`document.change`); a unit officer adds documents of their own unit's campaigns
    (`campaign.change`, checked on the campaign when the document is saved)."""
    return can(user, "document.change") or can(user, "campaign.change")


def check_document(user: Any, campaign: Any) -> None:
    """A document of a campaign is added or removed by whoever may change the campaign; a
    library document of its own (`campaign` None) by `document.change`. 404/403 as `check`."""
    if campaign is not None:
        check(user, "campaign.change", campaign)
    else:
        check(user, "document.change")


def check_funding_line(user: Any, line: Any) -> None:
    """A funding line is changed by whoever may change what it funds: its campaign
    (`campaign.change`) or its demonstration model (`model.change`). 404/403 as `check`."""
    if getattr(line, "campaign_id", None):
        check(user, "campaign.change", line.campaign)
    else:
        check(user, "model.change", line.model)


def report_shows_budget(commune: Any) -> bool:
    """Whether a report of `commune`'s scope (None: the whole district) may print the budget:
    only if everyone who may open it may see the budget. A district report is opened by the
    roles not held to a commune (Report.scope_commune_id), a commune's by all."""
    readers = RULES["report.view"] - (COMMUNE_BOUND if commune is None else frozenset())
    return readers <= RULES["budget.view"]


def may_name(viewer: Any, facility: Any) -> bool:
    """Whether a page shown to `viewer` may name `facility` or show figures that are its own.

    `viewer` is a user, or None for the public pages (which are the same for everyone, signed in
    or not): the public sees a facility only with its consent; a user, a facility within their
    scope (can_see).
    """
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return bool(facility.public_consent)
    return can_see(viewer, facility)


def may_show_group(viewer: Any, facilities: Iterable[Any] | QuerySet) -> bool:
    """Whether an aggregate over `facilities` may be shown to `viewer` (None: the public).

    A queryset is read only up to MIN_GROUP_SIZE rows (one small query); a list may repeat a
    facility (e.g. one per measure) and counts it once.
    """
    if isinstance(facilities, QuerySet):
        facilities = facilities[:MIN_GROUP_SIZE]
    members = {facility.pk: facility for facility in facilities}
    if len(members) >= MIN_GROUP_SIZE:
        return True
    return all(may_name(viewer, facility) for facility in members.values())
