"""Keep a facility's data-quality flags current when its yearly statuses or its years of
operation change. Those writes belong to `facilities`, which must not import `audits` (imports
point down), so this is the one place signals are used: they only schedule the refresh for after
the commit; the rules themselves live in audits/quality.py.

The services of `facilities` (forms and imports alike) say what they wrote with
`facilities_written`; a save outside them (the admin) is seen by post_save. After the commit,
the refresh holds no row lock of the write: an import of thousands of facilities commits, then
their flags follow. The demo's bulk loads send nothing: they refresh the flags themselves.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from audits.quality import quality_refresh_ids
from facilities.models import Facility, FacilityYearStatus
from facilities.signals import facilities_written


def _refresh_after_commit(facility_ids: list[int]) -> None:
    transaction.on_commit(partial(quality_refresh_ids, facility_ids))


@receiver(facilities_written, dispatch_uid="audits_facilities_written")
def facilities_changed(sender, facility_ids: list[int], **kwargs) -> None:
    _refresh_after_commit(facility_ids)


@receiver(post_save, sender=FacilityYearStatus, dispatch_uid="audits_status_saved")
@receiver(post_delete, sender=FacilityYearStatus, dispatch_uid="audits_status_deleted")
def status_changed(sender, instance: FacilityYearStatus, **kwargs) -> None:
    _refresh_after_commit([instance.facility_id])


@receiver(post_save, sender=Facility, dispatch_uid="audits_facility_saved")
def facility_saved(sender, instance: Facility, raw: bool = False, **kwargs) -> None:
    if not raw:
        _refresh_after_commit([instance.pk])
