from datetime import datetime
from typing import Any, TypedDict, Unpack

from django.db import transaction

from tracker.enums import EditorialState, IncidentType, TimePrecision
from tracker.models import Conflict, Incident, PendingRevision, Source
from tracker.services.common import Actor, save_validated, utc_from_local
from tracker.services.revisions import edit_submit
from tracker.services.sources import incident_source_add


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


@transaction.atomic
def incident_create_reported(
    *,
    conflict: Conflict,
    title: str,
    incident_type: IncidentType,
    local_start: datetime,
    local_end: datetime | None = None,
    local_timezone: str = "",
    time_precision: TimePrecision = TimePrecision.DAY,
    place: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    summary: str = "",
    source: Source | None = None,
    user: Actor = None,
) -> Incident:
    """A draft incident with its time as the reporter gave it (wall-clock time in
    LOCAL_TIMEZONE), kept in UTC with the zone beside it; SOURCE, the report it was made from,
    is gathered for it. Nothing is written if any part is refused."""
    incident = incident_create(
        conflict=conflict,
        title=title,
        incident_type=incident_type,
        occurred_start=utc_from_local(
            local=local_start, zone=local_timezone, field="local_timezone"
        ),
        occurred_end=local_end
        and utc_from_local(local=local_end, zone=local_timezone, field="local_timezone"),
        time_precision=time_precision,
        local_timezone=local_timezone,
        place=place,
        latitude=latitude,
        longitude=longitude,
        summary=summary,
    )
    if source is not None:
        incident_source_add(incident=incident, source=source, user=user)
    return incident
