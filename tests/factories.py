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
