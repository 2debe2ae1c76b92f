"""What every export shares: the incident filters (the list page's and the API's) applied to
the published set, the rows in batches (constant memory for any size), each side's positions per
aspect, and their cache validator (who publishes them: tracker.web.claimreview.publisher)."""

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django_filters.utils import translate_validation
from rest_framework.exceptions import ValidationError

from tracker.enums import Aspect
from tracker.forms.incident_filters import IncidentQueryForm
from tracker.models import Incident, Side
from tracker.selectors.freshness import Freshness, published_set_freshness
from tracker.selectors.incident_queries import incidents_matching
from tracker.selectors.incidents import incidents_in_full

BATCH = 200
UPDATED_SINCE_REFUSED = (
    "Feeds and exports always hold the whole published set. For what changed since an instant,"
    " deletions and retractions included, use /api/v1/incidents/?updated_since=…; to avoid"
    " downloading an unchanged export again, send If-None-Match with its ETag."
)


def published_outputs_freshness(**_url_kwargs: Any) -> Freshness:
    """Every export's validator, whatever its scope or filters: a change to any incident that
    was ever public may add, alter or drop one of its rows."""
    return published_set_freshness()


def published_matching(params: QueryDict, **fixed: Any) -> QuerySet[Incident]:
    """The published incidents matching PARAMS (the incident filters) and FIXED (from the URL,
    e.g. a conflict). Bad parameters raise a ValidationError naming them, with the API's words
    and codes; parameters that are no filter are left alone.

    `updated_since` is refused, not ignored: an export of what changed cannot say what left the
    published set, which only the API's tombstones do. Feeds revalidate with ETag instead."""
    if "updated_since" in params:
        raise ValidationError({"updated_since": [UPDATED_SINCE_REFUSED]})
    form = IncidentQueryForm(params)
    if not form.is_valid():
        raise translate_validation(form.errors)
    return incidents_matching(form.criteria()).filter(**fixed)


def in_batches(queryset: QuerySet[Incident], *, limit: int | None = None) -> Iterator[dict]:
    """Full incident dicts, newest change first, BATCH at a time."""
    ids = queryset.order_by("-change__changed_at", "-id").values_list("id", flat=True)
    if limit is not None:
        ids = ids[:limit]
    batch: list[int] = []
    for incident_id in ids.iterator(chunk_size=2000):
        batch.append(incident_id)
        if len(batch) == BATCH:
            yield from incidents_in_full(batch)
            batch = []
    if batch:
        yield from incidents_in_full(batch)


def side_names(conflict_ids: set[int]) -> dict[int, str]:
    return dict(Side.objects.filter(conflict_id__in=conflict_ids).values_list("id", "name"))


def positions(
    incident: dict[str, Any], sides: dict[int, str]
) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """[(aspect label, [(side name, [claim texts])])] in grid order: what each side says now,
    and nothing for an aspect no side spoke about."""
    by_aspect: dict[str, dict[str, list[str]]] = {}
    for statement in incident["statements"]:
        side = sides.get(statement["side"], "Unaligned")
        for claim in statement["claims"]:
            by_aspect.setdefault(claim["aspect"], {}).setdefault(side, []).append(claim["text"])
    return [
        (str(aspect.label), sorted(by_aspect[aspect.value].items()))
        for aspect in Aspect
        if aspect.value in by_aspect
    ]
