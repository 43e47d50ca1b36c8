"""What the figures are computed from: a save or delete of any of these models moves the data
version (melinh_sxsh/lib/dataversion.py), and the cached figures are computed again. A model
that a figure, a target or a name in the figures reads belongs here; the many-row services that
write without signals call `dataversion.bump_for` themselves."""

from melinh_sxsh.lib import dataversion


def register() -> None:
    from accounts.models import Commune, District, Unit, User
    from audits.models import (
        CPMeasure,
        CPTechnique,
        DataRequest,
        EnergyCarrier,
        EnergyRecord,
        EnergyUse,
        Submission,
    )
    from campaigns.models import (
        Attendance,
        Campaign,
        DemonstrationModel,
        FundingLine,
        FundingSource,
        ModelTransition,
    )
    from facilities.models import Facility, FacilityYearStatus, Sector, YearLock
    from reports.models import Plan, Target

    for model in (District, Commune, Unit, CPMeasure, CPTechnique, EnergyCarrier, EnergyRecord,
                  EnergyUse, Attendance, Campaign, DemonstrationModel, FundingLine,
                  FundingSource, ModelTransition, Facility, FacilityYearStatus, Sector,
                  YearLock, Plan, Target, DataRequest, Submission):
        dataversion.track(model)
    # KPI 3 counts officers; logging in (last_login, a rehashed password) changes no figure.
    dataversion.track(User, ignore_fields={"last_login", "password"})

