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
