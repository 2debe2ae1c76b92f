"""Query filters of every list. The same FilterSets drive the feeds and exports, so a consumer
gets the same rows as Atom, GeoJSON or CSV that it gets as JSON."""

import re
from datetime import UTC, datetime
from typing import Any, cast

import django_filters as filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import Q, QuerySet
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

from tracker.api.errors import UNPROCESSABLE
from tracker.api.sync import Watermark, changed_since, parse_since
from tracker.enums import Aspect, Channel, EditorialState, IncidentType, SourceKind, Verdict
from tracker.models import Claim, Incident, Party, Source, Statement
from tracker.models.incident import IncidentQuerySet

SEARCH_CONFIG = "english"
_NUMBER = r"-?[0-9]{1,3}(\.[0-9]{1,12})?"
BBOX_PATTERN = rf"^{_NUMBER},{_NUMBER},{_NUMBER},{_NUMBER}$"
BBOX = re.compile(BBOX_PATTERN)


class UtcDateTimeField(IsoDateTimeField):
    """ISO 8601 in, UTC out: PostgreSQL refuses offsets beyond ±15:59 that Python accepts."""

    def clean(self, value: Any) -> datetime | None:
        cleaned = super().clean(value)
        if cleaned is None:
            return None
        try:
            return cleaned.astimezone(UTC)
        except (OverflowError, ValueError) as exc:
            raise forms.ValidationError("Out of the range of dates we can compare.") from exc


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


MAX_ID = 2**63 - 1  # PostgreSQL's bigint


def is_id(value: str) -> bool:
    """ASCII digits within bigint: str.isdigit() and int() also take "²" or "٣"."""
    return value.isascii() and value.isdigit() and int(value) <= MAX_ID


class IdField(forms.CharField):
    def clean(self, value: Any) -> int | None:
        cleaned = super().clean(value)
        if cleaned in (None, ""):
            return None
        if not is_id(cleaned):
            raise forms.ValidationError("An id: digits 0-9 only.")
        return int(cleaned)


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": MAX_ID})
class IdFilter(filters.Filter):
    """A reference by id, parsed strictly (a NumberFilter would take 1.5, 1e3 or "٣")."""

    field_class = IdField


def _bbox(value: str) -> tuple[float, float, float, float]:
    if not BBOX.fullmatch(value):
        raise ValidationError({"bbox": "Give west,south,east,north in degrees."})
    west, south, east, north = (float(part) for part in value.split(","))
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
        raise ValidationError(
            {"bbox": "Out of range: longitudes ±180, latitudes ±90, south ≤ north."},
            code=UNPROCESSABLE,
        )
    return west, south, east, north


@extend_schema_field({"type": "string", "pattern": BBOX_PATTERN})
class BboxFilter(filters.CharFilter):
    pass


def bbox_q(prefix: str, value: str) -> Q:
    """Points inside the box; a box whose west edge is east of its east edge crosses the
    antimeridian (RFC 7946 §5.2)."""
    west, south, east, north = _bbox(value)
    lat = Q(**{f"{prefix}latitude__gte": south, f"{prefix}latitude__lte": north})
    if west <= east:
        lon = Q(**{f"{prefix}longitude__gte": west, f"{prefix}longitude__lte": east})
    else:
        lon = Q(**{f"{prefix}longitude__gte": west}) | Q(**{f"{prefix}longitude__lte": east})
    return lat & lon


def conflict_q(prefix: str, value: str) -> Q:
    return (
        Q(**{f"{prefix}conflict_id": int(value)})
        if is_id(value)
        else Q(**{f"{prefix}conflict__slug": value})
    )


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


class SinceFilter(filters.Filter):
    field_class = SinceField


class _Common(filters.FilterSet):
    """What the flat lists share. They take no `updated_since` (tracker.api.base.HINTS says
    why and where to sync instead)."""


class _ThroughIncident(_Common):
    """The conflict and bbox filters of a list whose rows reach their incident by
    INCIDENT_PATH (a lookup prefix ending in "__")."""

    incident_path = ""

    def filter_conflict(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(conflict_q(self.incident_path, value))

    def filter_bbox(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(bbox_q(self.incident_path, value))


class IncidentFilter(filters.FilterSet):
    updated_since = SinceFilter(
        method="filter_updated_since",
        help_text="The `X-Sync-Watermark` of your last pass's first page: what changed since, "
        "with tombstones (see the sync protocol). A plain ISO 8601 time also works, without "
        "the guarantee.",
    )
    conflict = filters.CharFilter(method="filter_conflict", help_text="Conflict id or slug.")
    party = IdFilter(method="filter_party", help_text="A party made a statement.")
    side = IdFilter(method="filter_side", help_text="A party of this side spoke.")
    type = filters.MultipleChoiceFilter(field_name="incident_type", choices=IncidentType.choices)
    state = filters.ChoiceFilter(
        method="filter_state",
        choices=EditorialState.choices,
        help_text="Editors only; everyone else always gets the published set.",
    )
    verdict = filters.MultipleChoiceFilter(method="filter_verdict", choices=Verdict.choices)
    aspect = filters.MultipleChoiceFilter(method="filter_aspect", choices=Aspect.choices)
    occurred_from = UtcDateTimeFilter(field_name="occurred_start", lookup_expr="gte")
    occurred_to = UtcDateTimeFilter(field_name="occurred_start", lookup_expr="lte")
    bbox = BboxFilter(method="filter_bbox", help_text="west,south,east,north (degrees).")
    q = filters.CharFilter(method="filter_q", help_text="Full text of title, summary and place.")

    class Meta:
        model = Incident
        fields: list[str] = []

    def filter_updated_since(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        # The API pages through change stamps instead (tracker.api.sync); exports use this.
        return changed_since(queryset, value, prefix="change__")

    def filter_conflict(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(conflict_q("", value))

    def filter_party(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return queryset.filter(
            id__in=Statement.objects.approved().filter(party_id=value).values("incident_id")
        )

    def filter_side(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        spoke = Statement.objects.approved().filter(party__alignments__side_id=value)
        return queryset.filter(id__in=spoke.values("incident_id"))

    def filter_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset  # applied by the view, which knows who asks

    def filter_verdict(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        claims = Claim.objects.approved().filter(verdict__in=value)
        return (
            queryset.filter(id__in=claims.values("statement__incident_id")) if value else queryset
        )

    def filter_aspect(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        claims = Claim.objects.approved().filter(aspect__in=value)
        return (
            queryset.filter(id__in=claims.values("statement__incident_id")) if value else queryset
        )

    def filter_bbox(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(bbox_q("", value))

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # The GIN-indexed search_vector, as the incident list.
        return cast(IncidentQuerySet, queryset).search(value)


class StatementFilter(_ThroughIncident):
    incident_path = "incident__"
    conflict = filters.CharFilter(method="filter_conflict", help_text="Conflict id or slug.")
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
    conflict = filters.CharFilter(method="filter_conflict", help_text="Conflict id or slug.")
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
    conflict = filters.CharFilter(method="filter_conflict", help_text="Conflict id or slug.")
    side = IdFilter(field_name="alignments__side_id", distinct=True)
    q = filters.CharFilter(method="filter_q", help_text="Name or short name contains.")

    class Meta:
        model = Party
        fields = ["kind", "country_code"]

    def filter_conflict(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(conflict_q("alignments__side__", value)).distinct()

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))
