"""Reads about incidents that span models: the derived dispute status, and incidents' whole
content (statements, claims, citations, counterclaims, sides) fetched in a fixed number of
queries for any number of incidents, as plain dicts, for the API and the exports."""

from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from tracker.enums import CounterclaimRelation, DisputeStatus, ProposalState
from tracker.models import (
    Alignment,
    Citation,
    Claim,
    Counterclaim,
    Incident,
    IncidentChange,
    Side,
    Statement,
)


def incidents_with_dispute_status(queryset: QuerySet[Incident]) -> QuerySet[Incident]:
    """Annotate `dispute_status` (a DisputeStatus value) on every incident of QUERYSET.

    no_claims: nothing to compare; disputed: at least one 'contradicts' counterclaim nobody
    dismissed; one_sided: every claim comes from parties of one side; undisputed otherwise."""
    contradiction = Counterclaim.objects.filter(
        claim_a__statement__incident=OuterRef("pk"), relation=CounterclaimRelation.CONTRADICTS
    ).exclude(state=ProposalState.DISMISSED)
    any_claim = Claim.objects.filter(statement__incident=OuterRef("pk"))
    sides_heard = (
        Side.objects.filter(
            conflict=OuterRef("conflict"),
            alignments__party__statements__incident=OuterRef("pk"),
            alignments__party__statements__claims__isnull=False,
        )
        .order_by()
        .values("conflict")
        .annotate(n=Count("id", distinct=True))
        .values("n")
    )
    return queryset.annotate(
        sides_heard=Coalesce(Subquery(sides_heard, output_field=IntegerField()), 0),
        dispute_status=Case(
            When(~Exists(any_claim), then=Value(DisputeStatus.NO_CLAIMS.value)),
            When(Exists(contradiction), then=Value(DisputeStatus.DISPUTED.value)),
            When(sides_heard__lte=1, then=Value(DisputeStatus.ONE_SIDED.value)),
            default=Value(DisputeStatus.UNDISPUTED.value),
        ),
    )


def dispute_status_of(
    statements: list[dict[str, Any]], counterclaims: list[dict[str, Any]]
) -> DisputeStatus:
    """The rule of incidents_with_dispute_status, on data incidents_page has already fetched
    (the page's counterclaims are the non-dismissed ones): one more subquery per incident
    there would cost more than the whole page. tests/api/test_dispute_status.py holds the two
    to the same answers."""
    if not any(statement["claims"] for statement in statements):
        return DisputeStatus.NO_CLAIMS
    sides = {s["side"] for s in statements if s["claims"] and s["side"] is not None}
    if any(pair["relation"] == CounterclaimRelation.CONTRADICTS for pair in counterclaims):
        return DisputeStatus.DISPUTED
    if len(sides) <= 1:
        return DisputeStatus.ONE_SIDED
    return DisputeStatus.UNDISPUTED


INCIDENT_FIELDS = (
    "id",
    "conflict_id",
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
    "state",
    "merged_into_id",
    "version",
    "created_at",
    "updated_at",
)
STATEMENT_FIELDS = (
    "id",
    "incident_id",
    "party_id",
    "issued_at",
    "channel",
    "original_url",
    "text",
    "language",
    "translation",
    "translation_kind",
    "reported_by_id",
    "version",
    "updated_at",
)
CLAIM_FIELDS = (
    "id",
    "statement_id",
    "aspect",
    "text",
    "accused_side_id",
    "killed_min",
    "killed_max",
    "wounded_min",
    "wounded_max",
    "casualty_side_id",
    "time_start",
    "time_end",
    "time_precision",
    "place",
    "latitude",
    "longitude",
    "verdict",
    "verdict_note",
    "version",
    "updated_at",
)
CITATION_FIELDS = (
    "id",
    "claim_id",
    "statement_id",
    "source_id",
    "excerpt",
    "start_offset",
    "end_offset",
)
COUNTERCLAIM_FIELDS = ("id", "claim_a_id", "claim_b_id", "relation", "state", "reason")


@lru_cache(maxsize=64)
def _api_names(keys: tuple[str, ...], drop: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple(
        (key, key[:-3] if key.endswith("_id") and key != "id" else key)
        for key in keys
        if key not in drop
    )


def _renamed(row: dict[str, Any], drop: tuple[str, ...] = ()) -> dict[str, Any]:
    """`party_id` → `party`: the API names a reference after what it points to. (The key map
    is worked out once per shape: this runs for every row of every page.)"""
    return {new: row[old] for old, new in _api_names(tuple(row), drop)}


def incidents_page(incident_ids: Iterable[int]) -> list[dict[str, Any]]:
    """The full public representation of each incident in INCIDENT_IDS, in that order, in seven
    queries whatever the count. Counterclaims shown are those nobody dismissed (the same set the
    dispute status counts); the side of each statement is its party's side in the conflict."""
    ids = list(incident_ids)
    if not ids:
        return []
    changed_at = IncidentChange.objects.filter(incident_id=OuterRef("pk")).values("changed_at")
    incidents = {
        row["id"]: row
        for row in Incident.objects.filter(id__in=ids)
        .order_by()
        # A per-row index lookup: a join would read the whole stamp table.
        .annotate(changed_at=Subquery(changed_at))
        .values(*INCIDENT_FIELDS, "changed_at")
    }
    statements = list(
        Statement.objects.filter(incident_id__in=ids)
        .order_by("issued_at", "id")
        .values(*STATEMENT_FIELDS)
    )
    statement_ids = [row["id"] for row in statements]
    claims = list(
        Claim.objects.filter(statement_id__in=statement_ids).order_by("id").values(*CLAIM_FIELDS)
    )
    claim_ids = [row["id"] for row in claims]
    citations = _citations(claim_ids=claim_ids, statement_ids=statement_ids)
    counterclaims = list(
        Counterclaim.objects.filter(claim_a_id__in=claim_ids)
        .exclude(state=ProposalState.DISMISSED)
        .order_by("id")
        .values(*COUNTERCLAIM_FIELDS)
    )
    conflict_ids = {row["conflict_id"] for row in incidents.values()}
    side_of = {
        (conflict, party): side
        for conflict, party, side in Alignment.objects.filter(
            side__conflict_id__in=conflict_ids, party_id__in={s["party_id"] for s in statements}
        ).values_list("side__conflict_id", "party_id", "side_id")
    }

    claims_by_statement: dict[int, list[dict[str, Any]]] = defaultdict(list)
    incident_of_claim: dict[int, int] = {}
    incident_of_statement = {row["id"]: row["incident_id"] for row in statements}
    for claim in claims:
        incident_of_claim[claim["id"]] = incident_of_statement[claim["statement_id"]]
        claim_out = _renamed(claim, drop=("statement_id",))
        claim_out["citations"] = citations["claim"].get(claim["id"], [])
        claims_by_statement[claim["statement_id"]].append(claim_out)
    statements_by_incident: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for statement in statements:
        conflict = incidents[statement["incident_id"]]["conflict_id"]
        out = _renamed(statement, drop=("incident_id",))
        out["side"] = side_of.get((conflict, statement["party_id"]))
        out["citations"] = citations["statement"].get(statement["id"], [])
        out["claims"] = claims_by_statement.get(statement["id"], [])
        statements_by_incident[statement["incident_id"]].append(out)
    counterclaims_by_incident: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for counterclaim in counterclaims:
        counterclaims_by_incident[incident_of_claim[counterclaim["claim_a_id"]]].append(
            _renamed(counterclaim)
        )
    page = []
    for incident_id in ids:
        row = incidents.get(incident_id)
        if row is None:
            continue
        out = _renamed(row)
        out["dispute_status"] = dispute_status_of(
            statements_by_incident.get(incident_id, []),
            counterclaims_by_incident.get(incident_id, []),
        )
        out["statements"] = statements_by_incident.get(incident_id, [])
        out["counterclaims"] = counterclaims_by_incident.get(incident_id, [])
        page.append(out)
    return page


def _citations(
    *, claim_ids: list[int], statement_ids: list[int]
) -> dict[str, dict[int, list[dict[str, Any]]]]:
    """Citations of the claims and of the statements, grouped by what they support."""
    grouped: dict[str, dict[int, list[dict[str, Any]]]] = {"claim": {}, "statement": {}}
    base = Citation.objects.order_by("source_id", "start_offset", "id").annotate(
        source_url=F("source__url"), source_title=F("source__title")
    )
    fields = (*CITATION_FIELDS, "source_url", "source_title")
    rows = [*base.filter(claim_id__in=claim_ids).values(*fields)]
    rows += base.filter(statement_id__in=statement_ids).values(*fields)
    for row in rows:
        kind, owner = (
            ("claim", row["claim_id"])
            if row["claim_id"]
            else (
                "statement",
                row["statement_id"],
            )
        )
        grouped[kind].setdefault(owner, []).append(_renamed(row, drop=("claim_id", "statement_id")))
    return grouped
