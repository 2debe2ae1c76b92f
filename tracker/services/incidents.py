from datetime import datetime
from typing import Any

from django.db import transaction

from tracker.enums import EditorialState, IncidentType, TimePrecision
from tracker.models import Conflict, Incident, PendingRevision
from tracker.services.common import save_validated
from tracker.services.revisions import edit_submit


@transaction.atomic
def incident_create(
    *,
    conflict: Conflict,
    title: str,
    incident_type: IncidentType,
    occurred_start: datetime,
    occurred_end: datetime | None = None,
    time_precision: TimePrecision = TimePrecision.DAY,
    local_timezone: str = "",
    place: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    summary: str = "",
) -> Incident:
    return save_validated(
        Incident(
            conflict=conflict,
            title=title,
            incident_type=incident_type,
            occurred_start=occurred_start,
            occurred_end=occurred_end,
            time_precision=time_precision,
            local_timezone=local_timezone,
            place=place,
            latitude=latitude,
            longitude=longitude,
            summary=summary,
            state=EditorialState.DRAFT,
        )
    )


@transaction.atomic
def incident_update(
    *, incident: Incident, expected_version: int | None, user: Any = None, **fields: Any
) -> PendingRevision | None:
    """Edit descriptive fields (held for approval when published: see edit_submit). State
    changes go through the publishing services instead."""
    return edit_submit(obj=incident, user=user, expected_version=expected_version, fields=fields)
