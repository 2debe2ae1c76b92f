"""Pieces every service uses: validated saves, optimistic-locking updates, reported times."""

import zoneinfo
from datetime import UTC, datetime, tzinfo
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from tracker.services.errors import StaleEditError

M = TypeVar("M", bound=models.Model)

# Whoever asked for a write: a signed-in user, an anonymous request, or nobody (a task, a command).
Actor = User | AnonymousUser | None


def person(actor: Actor) -> User | None:
    """The user a row records as its author or decider: an anonymous caller is nobody."""
    return actor if isinstance(actor, User) else None


def save_validated(obj: M) -> M:
    """full_clean() first so impossible data gets a readable message, not a database error;
    the database constraints stay as the backstop for every other writer."""
    obj.full_clean()
    obj.save()
    return obj


def update_versioned(obj: M, *, expected_version: int | None, fields: dict[str, Any]) -> M:
    """Apply FIELDS to OBJ only if it is still at EXPECTED_VERSION (None skips the check).

    The check and the bump are one conditional UPDATE, so two editors saving from stale forms at
    the same moment cannot both win."""
    model = type(obj)
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.full_clean()
    current = obj.version  # type: ignore[attr-defined]
    if expected_version is not None and expected_version != current:
        raise StaleEditError(obj, expected_version, current)
    values = {name: getattr(obj, name) for name in fields}
    if any(field.name == "updated_at" for field in model._meta.fields):
        values["updated_at"] = timezone.now()
    updated = model._default_manager.filter(pk=obj.pk, version=current).update(
        **values, version=models.F("version") + 1
    )
    if updated != 1:
        actual = model._default_manager.values_list("version", flat=True).get(pk=obj.pk)
        raise StaleEditError(obj, expected_version or current, actual)
    obj.refresh_from_db()
    return obj


def _zone(zone: str, field: str) -> tzinfo:
    """The IANA ZONE (UTC when empty); one that is not IANA's is refused on FIELD."""
    try:
        return zoneinfo.ZoneInfo(zone) if zone else UTC
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            {field: f"{zone} is not an IANA time zone (e.g. Asia/Yerevan)."}
        ) from exc


def utc_from_local(*, local: datetime, zone: str, field: str) -> datetime:
    """LOCAL, a wall-clock time as a reporter gave it in the IANA ZONE, as a UTC instant (the
    database keeps UTC; the zone is kept beside it for display). Every form that takes a time
    in an incident's zone comes through here. A zone that is not IANA's, and a time a clock
    change skipped or repeated (which instant is meant cannot be known), are refused on FIELD
    in words."""
    tz = _zone(zone, field)
    wall = local.replace(tzinfo=None)
    first, second = wall.replace(tzinfo=tz, fold=0), wall.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first.astimezone(UTC)
    shown = f"{wall:%H:%M} on {wall.day} {wall:%b %Y}"
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != wall:
        message = (
            f"{shown} did not exist in {zone}: the clocks went forward then. "
            "Give a time before or after the change."
        )
    else:
        message = (
            f"{shown} happened twice in {zone}: the clocks went back then, so it was "
            f"{first.astimezone(UTC):%H:%M} or {second.astimezone(UTC):%H:%M} UTC. "
            "Give a time outside the repeated hour."
        )
    raise ValidationError({field: message})


def local_from_utc(moment: datetime, zone: str) -> datetime:
    """MOMENT as the wall-clock time of the IANA ZONE (UTC when empty or not IANA's), without
    an offset: what a form that takes times through utc_from_local shows, so a form saved
    unchanged gives back the same instant."""
    try:
        tz = _zone(zone, "zone")
    except ValidationError:
        tz = UTC
    return moment.astimezone(tz).replace(tzinfo=None)
