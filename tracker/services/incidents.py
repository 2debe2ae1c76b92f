from datetime import datetime
from typing import Any

from django.db import transaction

from tracker.enums import EditorialState, IncidentType, TimePrecision
from tracker.models import Conflict, Incident
from tracker.services.common import save_validated, update_versioned
from tracker.services.webhooks import incident_updated


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


EDITABLE_FIELDS = frozenset(
    {
        "title",
        "summary",
        "incident_type",
        "occurred_start",
        "occurred_end",
        "time_precision",
        "local_timezone",
        "place",
        "latitude",
        "longitude",
    }
)


@transaction.atomic
def incident_update(*, incident: Incident, expected_version: int | None, **fields: Any) -> Incident:
    """Edit descriptive fields. State changes go through the publishing services instead."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    incident = update_versioned(incident, expected_version=expected_version, fields=fields)
    incident_updated(incident=incident)
    return incident
