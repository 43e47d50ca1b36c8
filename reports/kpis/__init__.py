"""The KPI engine: every figure the portal shows, prints or exports is computed here.

`overview(year, scope)` is the one entry: the dashboard, the PDF, the workbook, the public pages
and `manage.py kpi` all read their figures from it. What each figure means is written in
docs/KPI.md. The modules, by area:

- scope.py: which facilities (the city, a district, a commune, a sector);
- targets.py: the default year, the plans of a year (the city's and each district's), their
  targets and baseline years, and the plan of a scope (`plans_for`);
- engine.py: which facilities each figure counts, year by year, each district with its own
  plan's band (one grouped statement);
- comparison.py: the indicators against the baseline, their change and how it is written;
- tables.py: the districts, the communes, the trend, the savers, measures by technique, data
  quality;
- activity.py: campaigns, demonstration models and funding;
- requests.py: the year's energy-data completeness (answers to data requests);
- overview.py: all of it for a year and a scope.
"""

from reports.kpis.activity import (
    Activity,
    CampaignRow,
    Funding,
    FundingRow,
    KindRow,
    activity,
    campaigns_reached,
    funding_by_source,
)
from reports.kpis.comparison import (
    HUNDRED,
    PERCENT_PLACES,
    TOE_PLACES,
    Comparison,
    KPIs,
    Officers,
    officers_by_district,
    officers_count,
    officers_list,
    round_half_up,
    summarize,
    target_text,
)
from reports.kpis.engine import (
    FIGURES,
    Evaluation,
    FacilityFacts,
    SaverSec,
    YearSets,
    evaluate,
    members,
)
from reports.kpis.overview import (
    FIRST_TREND_YEAR,
    Members,
    Overview,
    cached_members_of,
    cached_overview,
    kpis,
    members_of,
    overview,
    snapshot,
    trend_years,
)
from reports.kpis.requests import COMPLETENESS_FIGURES, DataCompleteness, data_completeness
from reports.kpis.scope import CITY, DISTRICT, Scope
from reports.kpis.tables import (
    CommuneRow,
    DataQuality,
    DistrictRow,
    SaverRow,
    TechniqueRow,
    TrendPoint,
    commune_table,
    data_quality,
    district_table,
    measures_by_technique,
    savers,
    trend,
)
from reports.kpis.targets import (
    DEFAULT_TARGETS,
    DEFAULT_YEAR,
    Mode,
    Targets,
    TargetSpec,
    YearPlans,
    default_year,
    plan_for,
    plans_for,
    targets_for,
)

__all__ = [
    "CITY",
    "COMPLETENESS_FIGURES",
    "DEFAULT_TARGETS",
    "DEFAULT_YEAR",
    "DISTRICT",
    "FIGURES",
    "FIRST_TREND_YEAR",
    "HUNDRED",
    "PERCENT_PLACES",
    "TOE_PLACES",
    "KPIs",
    "Activity",
    "CampaignRow",
    "CommuneRow",
    "Comparison",
    "DataCompleteness",
    "DataQuality",
    "DistrictRow",
    "Evaluation",
    "FacilityFacts",
    "Funding",
    "FundingRow",
    "KindRow",
    "Members",
    "Mode",
    "Officers",
    "Overview",
    "SaverRow",
    "SaverSec",
    "Scope",
    "TargetSpec",
    "Targets",
    "TechniqueRow",
    "TrendPoint",
    "YearPlans",
    "YearSets",
    "activity",
    "cached_members_of",
    "cached_overview",
    "campaigns_reached",
    "commune_table",
    "data_completeness",
    "data_quality",
    "default_year",
    "district_table",
    "evaluate",
    "funding_by_source",
    "kpis",
    "measures_by_technique",
    "members",
    "members_of",
    "officers_by_district",
    "officers_count",
    "officers_list",
    "overview",
    "plan_for",
    "plans_for",
    "round_half_up",
    "savers",
    "snapshot",
    "summarize",
    "target_text",
    "targets_for",
    "trend",
    "trend_years",
]
