import factory

from accounts.models import Commune
from facilities.models import Facility, FacilityYearStatus, Sector, Stage


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility

    tax_code = factory.Sequence(lambda n: f"01{n:08d}")
    name = factory.Sequence(lambda n: f"Công ty TNHH Thử nghiệm {n}")
    commune = factory.LazyFunction(lambda: Commune.objects.get(code="08989"))
    sector = factory.LazyFunction(lambda: Sector.objects.get(code="25"))
    address = "KCN Quang Minh"
    product_unit = "tấn"
    first_year = 2010


class StatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FacilityYearStatus

    facility = factory.SubFactory(FacilityFactory)
    year = 2018
    stage = Stage.AWARE


def second_district(code: str = "016", name: str = "Sóc Sơn"):
    """A district beside Mê Linh with two communes (made-up codes), the second a namesake of Mê
    Linh's Xã Tiền Phong: (district, commune, namesake). Make the accounts and rows that rely
    on there being one district first."""
    from accounts.models import District

    district = District.objects.create(code=code, name=name, kind="huyen")
    commune = Commune.objects.create(code=f"9{code}1", name="Phù Linh", district=district)
    namesake = Commune.objects.create(code=f"9{code}2", name="Tiền Phong", district=district)
    return district, commune, namesake


# The rows of a district (reports, plans, campaigns, models, documents, requests, accounts)
# name it: the model's save() no longer guesses. Test data made without one is its commune's
# or unit's district's, else the only district's; with several districts and neither it must
# say which (a plan without a district would silently be the city's).
def _district_id(model, fields: dict) -> int:
    for name in ("commune", "unit"):
        if fields.get(name) is not None:
            return fields[name].district_id
    from accounts.models import sole_district_id

    district_id = sole_district_id()
    if district_id is None:
        raise ValueError(f"Several districts: say which district this {model.__name__} is of.")
    return district_id


def _with_district(model, fields: dict) -> dict:
    from accounts.models import DISTRICT_ROLES, User

    named = {"district", "district_id"} & fields.keys() or fields.get("is_city")
    if not named and (model is not User or fields.get("role") in DISTRICT_ROLES):
        fields["district_id"] = _district_id(model, fields)
    return fields


def district_build(model, **fields):
    """`model(**fields)`, unsaved, in the district test data belongs to when none is given."""
    return model(**_with_district(model, fields))


def district_create(model, **fields):
    """`model.objects.create(**fields)` in the district test data belongs to when none is
    given."""
    return model.objects.create(**_with_district(model, fields))
