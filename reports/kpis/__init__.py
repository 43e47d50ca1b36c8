"""The KPI engine: every figure the portal shows, prints or exports is computed here.

`overview(year, scope)` is the one entry: the dashboard, the PDF, the workbook, the public pages
and `manage.py kpi` all read their figures from it. What each figure means is written in
docs/KPI.md. The modules, by area:

- scope.py: which facilities (the district, a commune, a sector);
- targets.py: the default year, the plan's targets and baseline year;
- engine.py: which facilities each figure counts, year by year (one grouped statement);
- comparison.py: the indicators against the baseline, their change and how it is written;
- tables.py: the communes, the trend, the savers, measures by technique, data quality;
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
from reports.kpis.scope import DISTRICT, Scope
from reports.kpis.tables import (
    CommuneRow,
    DataQuality,
    SaverRow,
    TechniqueRow,
    TrendPoint,
    commune_table,
    data_quality,
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
    default_year,
    targets_for,
)

__all__ = [
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
    "YearSets",
    "activity",
    "cached_members_of",
    "cached_overview",
    "campaigns_reached",
    "commune_table",
    "data_completeness",
    "data_quality",
    "default_year",
    "evaluate",
    "funding_by_source",
    "kpis",
    "measures_by_technique",
    "members",
    "members_of",
    "officers_count",
    "officers_list",
    "overview",
    "round_half_up",
    "savers",
    "snapshot",
    "summarize",
    "target_text",
    "targets_for",
    "trend",
    "trend_years",
]
