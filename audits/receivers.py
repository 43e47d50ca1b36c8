"""Keep a facility's data-quality flags current when its yearly status or its years of operation
change. Those writes belong to `facilities`, which must not import `audits` (imports point
down), so this is the one place a signal is used: it only schedules the refresh for after the
commit; the rules themselves live in audits/quality.py.

Bulk writes (imports of statuses, the demo) send no signals: they are covered by
`manage.py check_quality`.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from audits.quality import quality_refresh_ids
from facilities.models import Facility, FacilityYearStatus


def _refresh_after_commit(facility_id: int) -> None:
    transaction.on_commit(partial(quality_refresh_ids, [facility_id]))


@receiver(post_save, sender=FacilityYearStatus, dispatch_uid="audits_status_saved")
@receiver(post_delete, sender=FacilityYearStatus, dispatch_uid="audits_status_deleted")
def status_changed(sender, instance: FacilityYearStatus, **kwargs) -> None:
    _refresh_after_commit(instance.facility_id)


@receiver(post_save, sender=Facility, dispatch_uid="audits_facility_saved")
def facility_saved(sender, instance: Facility, raw: bool = False, **kwargs) -> None:
    if not raw:
        _refresh_after_commit(instance.pk)
