"""Incremental sync: which incidents changed after T, and tombstones for those that left the
published set (deleted, retracted, unpublished, merged, or no longer matching the filters).

Reads tracker.models.IncidentChange, which PostgreSQL triggers keep current."""

from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Max, QuerySet

from tracker.enums import EditorialState
from tracker.models import Incident, IncidentChange
from tracker.selectors.incidents import incidents_page


def sync_watermark() -> datetime:
    """The latest T such that every change stamped at or before T is already visible.

    Stamps carry their transaction's start time, so a transaction still running may commit a
    stamp older than what a consumer has already read. Nothing visible later can be older than
    the start of the oldest transaction running now: that, or now, is safe to resume from."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT LEAST(now(), min(xact_start)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND xact_start IS NOT NULL"
        )
        return cursor.fetchone()[0]


def published_last_modified() -> datetime | None:
    """When the published set last changed in any way (for Last-Modified on lists)."""
    return IncidentChange.objects.filter(was_published=True).aggregate(last=Max("changed_at"))[
        "last"
    ]


def change_stamps(
    *, matching: QuerySet[Incident], updated_since: datetime | None
) -> QuerySet[IncidentChange]:
    """Without UPDATED_SINCE: the stamps of the MATCHING incidents (the current set). With it:
    every incident ever published that changed after it, matching or not, because one that
    stopped matching must reach the consumer as a tombstone."""
    if updated_since is None:
        return IncidentChange.objects.filter(incident__in=matching.values("id"))
    return IncidentChange.objects.filter(was_published=True, changed_at__gt=updated_since)


def incidents_or_tombstones(
    stamps: list[dict[str, Any]], *, matching: QuerySet[Incident], with_tombstones: bool
) -> list[dict[str, Any]]:
    """The page of STAMPS as full incidents where they match, else as tombstones."""
    ids = [stamp["incident_id"] for stamp in stamps]
    live = (
        set(matching.filter(id__in=ids).values_list("id", flat=True))
        if with_tombstones
        else set(ids)
    )
    full = {row["id"]: row for row in incidents_page(i for i in ids if i in live)}
    dead = {
        row["id"]: row
        for row in Incident.objects.filter(id__in=[i for i in ids if i not in full]).values(
            "id", "state", "merged_into_id"
        )
    }
    return [
        full[stamp["incident_id"]]
        if stamp["incident_id"] in full
        else tombstone(stamp["incident_id"], stamp["changed_at"], dead.get(stamp["incident_id"]))
        for stamp in stamps
        if stamp["incident_id"] in full or with_tombstones
    ]


def tombstone(incident_id: int, changed_at: datetime, row: dict[str, Any] | None) -> dict[str, Any]:
    """What a consumer needs to drop its copy: the id, why, and where a merged one went."""
    if row is None:
        reason = "deleted"
    elif row["merged_into_id"] is not None:
        reason = "merged"
    elif row["state"] == EditorialState.RETRACTED:
        reason = "retracted"
    elif row["state"] != EditorialState.PUBLISHED:
        reason = "unpublished"
    else:
        reason = "not_matching"
    return {
        "id": incident_id,
        "deleted": True,
        "reason": reason,
        "merged_into": row["merged_into_id"] if row else None,
        "changed_at": changed_at,
    }
