"""Reports by unit and period: the quarterly quota (S0.7) and periodic reports (S2.4, S4.7).

:func:`quota_report` and :func:`periodic_report` check permission and return frozen
dataclasses; :mod:`core.reports.csv` renders them for Excel; the management GraphQL schema
and ``GET /api/reports/{kind}.csv`` (:mod:`core.reports.routes`) serve them.
"""

from core.quota.counts import AgencyQuota, QuotaQuarter
from core.quota.periods import Period, parse_period
from core.reports.actions import periodic_report, quota_report
from core.reports.periodic import PeriodicReport

__all__ = [
    "AgencyQuota",
    "Period",
    "PeriodicReport",
    "QuotaQuarter",
    "parse_period",
    "periodic_report",
    "quota_report",
]
