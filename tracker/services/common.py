"""Pieces every service uses: validated saves, optimistic-locking updates, reported times."""

import zoneinfo
from datetime import UTC, datetime
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


def utc_from_local(*, local: datetime, zone: str, field: str) -> datetime:
    """LOCAL, a wall-clock time as a reporter gave it in the IANA ZONE, as a UTC instant (the
    database keeps UTC; the zone is kept beside it for display). A zone that is not IANA's is
    refused on FIELD. A time skipped by a clock change resolves as the zone's rules say (fold 0)."""
    try:
        tz = zoneinfo.ZoneInfo(zone) if zone else UTC
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            {field: f"{zone} is not an IANA time zone (e.g. Asia/Yerevan)."}
        ) from exc
    return local.replace(tzinfo=None).replace(tzinfo=tz).astimezone(UTC)
