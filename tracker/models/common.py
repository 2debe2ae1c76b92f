"""Constraint pieces that several models share."""

from collections.abc import Callable
from typing import Any, Self

import pghistory
import pgtrigger
from django.db import models


def before_write_trigger(name: str, func: str) -> pgtrigger.Trigger:
    """A rule PostgreSQL checks before every insert and update of the row (FUNC raises)."""
    return pgtrigger.Trigger(
        name=name, operation=pgtrigger.Insert | pgtrigger.Update, when=pgtrigger.Before, func=func
    )


def latitude_longitude_checks(prefix: str) -> list[models.CheckConstraint]:
    """Both or neither coordinate, each in range: a half-set or out-of-range point is a typo."""
    both_or_none = models.Q(latitude__isnull=True, longitude__isnull=True) | models.Q(
        latitude__isnull=False, longitude__isnull=False
    )
    in_range = models.Q(latitude__isnull=True) | models.Q(
        latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180
    )
    return [
        models.CheckConstraint(
            condition=both_or_none,
            name=f"{prefix}_latlon_both_or_none",
            violation_error_message="Give both latitude and longitude, or neither.",
        ),
        models.CheckConstraint(
            condition=in_range,
            name=f"{prefix}_latlon_range",
            violation_error_message="Latitude must be within ±90 and longitude within ±180.",
        ),
    ]


def interval_check(prefix: str, start: str, end: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(**{f"{start}__isnull": True})
        | models.Q(**{f"{end}__isnull": True})
        | models.Q(**{f"{start}__lte": models.F(end)}),
        name=f"{prefix}_interval_ordered",
        violation_error_message="The interval must not end before it starts.",
    )


def tracked(**kwargs: Any) -> Callable[[type[models.Model]], type[models.Model]]:
    """History of every insert, update and delete, written by PostgreSQL triggers, so bulk
    updates and raw SQL are recorded too. Fresh tracker instances per model (pghistory needs it)."""
    return pghistory.track(
        pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), **kwargs
    )


def held_field() -> models.BooleanField:
    """Added to a published incident and not yet approved: such a row is visible to the
    newsroom but never to the public (tracker.services.revisions holds and releases it)."""
    return models.BooleanField(
        "awaiting approval",
        default=False,
        editable=False,
        help_text="Added to a published incident; hidden from public outputs until approved.",
    )


class HeldQuerySet(models.QuerySet):
    def approved(self) -> Self:
        """What the public may see: rows not awaiting an editor's approval."""
        return self.filter(held=False)
