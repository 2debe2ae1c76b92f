"""Query filters of every list. The incident list's are the ones the list page and every feed
and export take (tracker.forms.incident_filters), plus the sync parameter; the flat lists'
FilterSets use the same fields for the parameters they share."""

from datetime import datetime
from typing import Any

import django_filters as filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import Q, QuerySet
from drf_spectacular.utils import extend_schema_field

from tracker.api.sync import Watermark, parse_since
from tracker.enums import Aspect, Channel, IncidentType, SourceKind, Verdict
from tracker.forms.fields import (
    BBOX_PATTERN,
    MAX_ID,
    BboxField,
    ConflictField,
    IdField,
    UtcDateTimeField,
)
from tracker.forms.incident_filters import IncidentQueryForm
from tracker.models import Claim, Party, Source, Statement
from tracker.selectors.incident_queries import Bbox, bbox_q, conflict_q

SEARCH_CONFIG = "english"


@extend_schema_field({"type": "string", "format": "date-time"})
class UtcDateTimeFilter(filters.Filter):
    field_class = UtcDateTimeField


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": MAX_ID})
class IdFilter(filters.Filter):
    """A reference by id, parsed strictly (a NumberFilter would take 1.5, 1e3 or "٣")."""

    field_class = IdField


@extend_schema_field({"type": "string", "pattern": BBOX_PATTERN})
class BboxFilter(filters.Filter):
    field_class = BboxField


@extend_schema_field({"type": "string"})
class ConflictFilter(filters.Filter):
    field_class = ConflictField


def search(queryset: QuerySet, value: str, *fields: str) -> QuerySet:
    """Core PostgreSQL full-text search (websearch syntax: "quoted phrase", or, -not)."""
    return queryset.annotate(_search=SearchVector(*fields, config=SEARCH_CONFIG)).filter(
        _search=SearchQuery(value, search_type="websearch", config=SEARCH_CONFIG)
    )


class SinceField(forms.CharField):
    """A sync watermark or a plain time (tracker.api.sync.parse_since)."""

    def clean(self, value: Any) -> Watermark | datetime | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            return parse_since(text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


class _Common(filters.FilterSet):
    """What the flat lists share. They take no `updated_since` (tracker.api.base.HINTS says
    why and where to sync instead)."""


class IncidentQueryApiForm(IncidentQueryForm):
    """The incident filters, and the sync parameter only the API's incident list takes."""

    updated_since = SinceField(
        required=False,
        help_text="The `X-Sync-Watermark` of your last pass's first page: what changed since, "
        "with tombstones (see the sync protocol). A plain ISO 8601 time also works, without "
        "the guarantee.",
    )


class _ThroughIncident(_Common):
    """The conflict and bbox filters of a list whose rows reach their incident by
    INCIDENT_PATH (a lookup prefix ending in "__")."""

    incident_path = ""

    def filter_conflict(self, queryset: QuerySet, name: str, value: int | str) -> QuerySet:
        return queryset.filter(conflict_q(self.incident_path, value))

    def filter_bbox(self, queryset: QuerySet, name: str, value: Bbox) -> QuerySet:
        return queryset.filter(bbox_q(self.incident_path, value))


class StatementFilter(_ThroughIncident):
    incident_path = "incident__"
    conflict = ConflictFilter(method="filter_conflict", help_text="Conflict id or slug.")
    incident = IdFilter(field_name="incident_id")
    party = IdFilter(field_name="party_id")
    side = IdFilter(field_name="party__alignments__side_id", distinct=True)
    type = filters.MultipleChoiceFilter(
        field_name="incident__incident_type", choices=IncidentType.choices
    )
    channel = filters.MultipleChoiceFilter(choices=Channel.choices)
    issued_from = UtcDateTimeFilter(field_name="issued_at", lookup_expr="gte")
    issued_to = UtcDateTimeFilter(field_name="issued_at", lookup_expr="lte")
    bbox = BboxFilter(method="filter_bbox", help_text="The incident's point in the box.")
    q = filters.CharFilter(method="filter_q", help_text="Full text of the statement.")

    class Meta:
        model = Statement
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search(queryset, value, "text", "translation")


class ClaimFilter(_ThroughIncident):
    incident_path = "statement__incident__"
    conflict = ConflictFilter(method="filter_conflict", help_text="Conflict id or slug.")
    incident = IdFilter(field_name="statement__incident_id")
    party = IdFilter(field_name="statement__party_id")
    side = IdFilter(field_name="statement__party__alignments__side_id", distinct=True)
    type = filters.MultipleChoiceFilter(
        field_name="statement__incident__incident_type", choices=IncidentType.choices
    )
    verdict = filters.MultipleChoiceFilter(choices=Verdict.choices)
    aspect = filters.MultipleChoiceFilter(choices=Aspect.choices)
    occurred_from = UtcDateTimeFilter(
        field_name="statement__incident__occurred_start", lookup_expr="gte"
    )
    occurred_to = UtcDateTimeFilter(
        field_name="statement__incident__occurred_start", lookup_expr="lte"
    )
    bbox = BboxFilter(method="filter_bbox", help_text="The incident's point in the box.")
    q = filters.CharFilter(method="filter_q", help_text="Full text of the claim.")

    class Meta:
        model = Claim
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search(queryset, value, "text", "place")


class SourceFilter(_Common):
    outlet = IdFilter(field_name="outlet_id")
    kind = filters.MultipleChoiceFilter(choices=SourceKind.choices)
    language = filters.CharFilter()
    published_from = UtcDateTimeFilter(field_name="published_at", lookup_expr="gte")
    published_to = UtcDateTimeFilter(field_name="published_at", lookup_expr="lte")
    q = filters.CharFilter(method="filter_q", help_text="Full text of title and author.")

    class Meta:
        model = Source
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search(queryset, value, "title", "author")


class PartyFilter(_Common):
    conflict = ConflictFilter(method="filter_conflict", help_text="Conflict id or slug.")
    side = IdFilter(field_name="alignments__side_id", distinct=True)
    q = filters.CharFilter(method="filter_q", help_text="Name or short name contains.")

    class Meta:
        model = Party
        fields = ["kind", "country_code"]

    def filter_conflict(self, queryset: QuerySet, name: str, value: int | str) -> QuerySet:
        return queryset.filter(conflict_q("alignments__side__", value)).distinct()

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))
