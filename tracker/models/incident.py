"""An incident: one event in the world, about which parties make statements."""

from __future__ import annotations

import zoneinfo

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tracker.enums import EditorialState, IncidentType, TimePrecision
from tracker.models.common import interval_check, latitude_longitude_checks, tracked
from tracker.models.party import Conflict


class IncidentQuerySet(models.QuerySet["Incident"]):
    def published(self) -> IncidentQuerySet:
        return self.filter(state=EditorialState.PUBLISHED, merged_into__isnull=True)

    def live(self) -> IncidentQuerySet:
        """Not merged away into another incident."""
        return self.filter(merged_into__isnull=True)

    def search(self, text: str) -> IncidentQuerySet:
        """Full-text match on title, summary and place (web search syntax: "phrase", or, -not),
        served by the GIN index on search_vector."""
        return self.filter(
            search_vector=SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
        )


# 'simple' (no stemming, no stop words): incidents are written in many languages and scripts,
# and one language's stemmer would mangle the others.
SEARCH_CONFIG = "simple"


def validate_timezone(value: str) -> None:
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(value)s is not an IANA time zone (e.g. Asia/Yerevan)."), params={"value": value}
        )


# What an incident states: the fields an editor writes and an edit may change (the create and
# edit doors, the publish gate's editable set, the incident page's columns).
INCIDENT_VALUE_FIELDS = (
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
)


# The search vector is derived from tracked fields: history need not hold it.
@tracked(exclude=["search_vector"])
class Incident(models.Model):
    conflict = models.ForeignKey(Conflict, on_delete=models.PROTECT, related_name="incidents")
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    incident_type = models.CharField(_("type"), max_length=32, choices=IncidentType.choices)
    # When it happened, as a UTC interval: the parties rarely agree on one instant.
    occurred_start = models.DateTimeField(_("occurred from (UTC)"))
    occurred_end = models.DateTimeField(_("occurred until (UTC)"), null=True, blank=True)
    time_precision = models.CharField(
        _("time precision"), max_length=16, choices=TimePrecision.choices, default=TimePrecision.DAY
    )
    local_timezone = models.CharField(
        _("local time zone"),
        max_length=64,
        blank=True,
        validators=[validate_timezone],
        help_text=_("IANA name of the zone it was reported in."),
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    state = models.CharField(
        _("editorial state"),
        max_length=16,
        choices=EditorialState.choices,
        default=EditorialState.DRAFT,
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_incidents"
    )
    # Optimistic locking: a save from a stale form is refused instead of overwriting.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = models.GeneratedField(
        expression=SearchVector("title", "summary", "place", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_start", "-id"]
        permissions = [
            ("publish_incident", "Can publish, unpublish and retract incidents"),
            ("merge_incident", "Can merge duplicate incidents"),
        ]
        constraints = [
            interval_check("incident", "occurred_start", "occurred_end"),
            *latitude_longitude_checks("incident"),
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("id")),
                name="incident_not_merged_into_itself",
            ),
        ]
        indexes = [
            # Incremental sync and the API's cursor: WHERE updated_at > T ORDER BY updated_at, id.
            models.Index(fields=["updated_at", "id"], name="incident_updated_idx"),
            # Incident list filtered by conflict and state, newest first.
            models.Index(fields=["conflict", "state", "-occurred_start"], name="incident_list_idx"),
            # The incident list's and the API's full-text search (Incident.objects.search).
            GinIndex(fields=["search_vector"], name="incident_search_gin"),
            # The incident list's default order and its keyset cursor.
            models.Index(fields=["-occurred_start", "-id"], name="incident_occurred_idx"),
            # The list's map (clusters and count of the selection): an index-only scan of the
            # live incidents' places, about three times faster than reading the table; its first
            # column gives the extent's west and east from its ends.
            models.Index(
                fields=["longitude", "latitude", "id"],
                name="incident_located_idx",
                condition=models.Q(merged_into__isnull=True),
            ),
            # The extent's south and north, from this index's ends.
            models.Index(
                fields=["latitude"],
                name="incident_latitude_idx",
                condition=models.Q(merged_into__isnull=True, latitude__isnull=False),
            ),
            # The list's timeline (the live incidents per month of the last 24): index-only.
            models.Index(
                fields=["occurred_start", "id"],
                name="incident_live_when_idx",
                condition=models.Q(merged_into__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("tracker:incident-detail", args=[self.pk])
