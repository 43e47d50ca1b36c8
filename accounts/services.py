"""Writes about accounts."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.lockout import unlock
from accounts.models import Commune, District, Role, Unit, User
from accounts.permissions import DISTRICT_BOUND
from melinh_sxsh.lib.errors import DomainError


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    password: str,
    commune_code: str | None = None,
    unit_code: str | None = None,
    district_code: str | None = None,
    full_name: str = "",
    is_sxsh_officer: bool = False,
) -> User:
    """Create an account of one role; a commune official needs a commune, a unit officer a unit,
    and a district's roles a district (`district_code`; the commune's, or the only one, when
    left out)."""
    if role not in Role.values:
        raise DomainError(_("Unknown role %(role)s.") % {"role": role})
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("The username %(username)s is taken.") % {"username": username})
    commune = unit = None
    if role == Role.COMMUNE:
        if not commune_code:
            raise DomainError(_("A commune official needs --commune CODE."))
        commune = Commune.objects.filter(code=commune_code).first()
        if commune is None:
            raise DomainError(_("No commune has the code %(code)s.") % {"code": commune_code})
    elif commune_code:
        raise DomainError(_("Only a commune official belongs to a commune."))
    if role == Role.UNIT:
        if not unit_code:
            raise DomainError(_("A unit officer needs --unit CODE."))
        unit = _unit_by_code(unit_code, district_code)
    elif unit_code:
        raise DomainError(_("Only a unit officer belongs to a unit."))
    if is_sxsh_officer and role != Role.STAFF:
        raise DomainError(_("Only an Economic Department officer can be the SXSH officer."))
    district = _district_of_account(role, district_code, commune, unit)
    user = User(
        username=username, role=role, commune=commune, unit=unit, district=district,
        full_name=full_name,
        is_sxsh_officer=is_sxsh_officer,
        is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages)) from exc
    user.set_password(password)
    user.save()
    return user


def _unit_by_code(code: str, district_code: str | None) -> Unit:
    """The unit of that code in the district given, else the only unit of that code: a code is
    unique within its district only (each district has its "KINH_TE")."""
    units = Unit.objects.filter(code=code).select_related("district")
    if district_code:
        units = units.filter(district__code=district_code)
    found = list(units.order_by("district__code")[:50])
    if not found:
        if district_code:
            raise DomainError(_("No implementing unit of the district coded %(district)s has "
                                "the code %(code)s.") % {"district": district_code, "code": code})
        raise DomainError(_("No implementing unit has the code %(code)s.") % {"code": code})
    if len(found) > 1:
        raise DomainError(_("Several districts have a unit with the code %(code)s: choose the "
                            "district with --district CODE: %(choices)s.") % {
            "code": code,
            "choices": ", ".join(f"{u.district.code} ({u.district})" for u in found)})
    return found[0]


def _district_of_account(role: str, code: str | None, commune: Commune | None,
                         unit: Unit | None) -> District | None:
    """The district of a new account: given by its code, else its commune's, else the only
    district; None for the roles that read every district (or none)."""
    if role not in DISTRICT_BOUND:
        if code:
            raise DomainError(_("Only Economic Department officers, district leaders, commune "
                                "officials and unit officers belong to a district."))
        return None
    if code:
        district = District.objects.filter(code=code).first()
        if district is None:
            raise DomainError(_("No district has the code %(code)s.") % {"code": code})
        if commune is not None and commune.district_id != district.pk:
            raise DomainError(_("The commune %(commune)s is not in %(district)s.")
                              % {"commune": commune, "district": district})
        if unit is not None and unit.district_id != district.pk:
            raise DomainError(_("The unit %(unit)s is not of %(district)s.")
                              % {"unit": unit, "district": district})
        return district
    if unit is not None:
        return unit.district
    if commune is not None:
        return commune.district
    districts = list(District.objects.order_by("code")[:50])
    if len(districts) != 1:
        raise DomainError(_("Choose the account's district with --district CODE: %(choices)s.")
                          % {"choices": ", ".join(f"{d.code} ({d})" for d in districts) or "-"})
    return districts[0]


@transaction.atomic
def representative_create(*, username: str, password: str, full_name: str = "",
                          email: str = "") -> User:
    """The account of a person who represents a facility (an enterprise account), opened by
    that person with an invitation's code; the caller links it to its facility."""
    user = user_create(username=username, role=Role.ENTERPRISE, password=password,
                       full_name=full_name)
    if email:
        user.email = email
        user.save(update_fields=["email"])
    return user


@transaction.atomic
def user_password_change(*, user: User, password: str) -> User:
    """The user's own new password (the form checked the current one and the validators); it
    ends a forced change."""
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    return user


@transaction.atomic
def user_password_reset(*, user: User, password: str) -> User:
    """A temporary password given by an administrator: it lifts the user's login lock, ends
    their other sessions (the password hash changes), and the user must choose their own
    password at the next login before anything else."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages)) from exc
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    unlock(user.username)
    return user
