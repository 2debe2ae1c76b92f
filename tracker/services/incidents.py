from datetime import datetime
from typing import Any, TypedDict, Unpack

from django.db import transaction

from tracker.enums import EditorialState, IncidentType, TimePrecision
from tracker.models import Conflict, Incident, PendingRevision
from tracker.services.common import save_validated
from tracker.services.revisions import edit_submit


class IncidentDetails(TypedDict, total=False):
    """The optional value fields of a new incident; what is left out takes the model's default."""

    occurred_end: datetime | None
    time_precision: TimePrecision
    local_timezone: str
    place: str
    latitude: float | None
    longitude: float | None
    summary: str


@transaction.atomic
def incident_create(
    *,
    conflict: Conflict,
    title: str,
    incident_type: IncidentType,
    occurred_start: datetime,
    **details: Unpack[IncidentDetails],
) -> Incident:
    return save_validated(
        Incident(
            conflict=conflict,
            title=title,
            incident_type=incident_type,
            occurred_start=occurred_start,
            state=EditorialState.DRAFT,
            **details,
        )
    )


@transaction.atomic
def incident_update(
    *, incident: Incident, expected_version: int | None, user: Any = None, **fields: Any
) -> PendingRevision | None:
    """Edit descriptive fields (held for approval when published: see edit_submit). State
    changes go through the publishing services instead."""
    return edit_submit(obj=incident, user=user, expected_version=expected_version, fields=fields)
