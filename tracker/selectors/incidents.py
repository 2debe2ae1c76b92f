"""Reads about incidents that span models: the derived dispute status, and incidents' whole
content (statements, claims, citations, counterclaims, sides) fetched in a fixed number of
queries for any number of incidents, as plain dicts, for the API and the exports."""

from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from typing import Any, cast

from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models import (
    Case,
    Count,
    Exists,
    Field,
    IntegerField,
    Model,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from tracker.enums import CounterclaimRelation, DisputeStatus, ProposalState
from tracker.models import (
    INCIDENT_VALUE_FIELDS,
    Citation,
    Claim,
    Counterclaim,
    Incident,
    Side,
    Statement,
)


def incidents_with_dispute_status(queryset: QuerySet[Incident]) -> QuerySet[Incident]:
    """Annotate `dispute_status` (a DisputeStatus value) on every incident of QUERYSET.

    Public facts only (approved rows, confirmed counterclaims). no_claims: nothing to compare;
    disputed: at least one confirmed 'contradicts' counterclaim; one_sided: every claim comes
    from parties of one side; undisputed otherwise. A queryset already annotated (one filtered
    by dispute status, tracker.selectors.incident_queries) is returned as it is."""
    if "dispute_status" in queryset.query.annotations:
        return queryset
    contradiction = Counterclaim.objects.public().filter(
        claim_a__statement__incident=OuterRef("pk"), relation=CounterclaimRelation.CONTRADICTS
    )
    any_claim = Claim.objects.approved().filter(statement__incident=OuterRef("pk"))
    sides_heard = (
        Side.objects.filter(
            conflict=OuterRef("conflict"),
            alignments__party__statements__incident=OuterRef("pk"),
            alignments__party__statements__held=False,
            alignments__party__statements__claims__held=False,
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
    """The rule of incidents_with_dispute_status, on data incidents_in_full has already fetched
    (the page's counterclaims are the confirmed ones): one more subquery per incident
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
    *INCIDENT_VALUE_FIELDS,
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


def _columns(model: type[Model], table: str, fields: tuple[str, ...]) -> str:
    """`s.party_id AS party, …`: the API names a reference after what it points to."""
    api_name = {name: name if name == "id" else name.removesuffix("_id") for name in fields}
    return ", ".join(
        f'{table}."{cast(Field, model._meta.get_field(name)).column}" AS "{api_name[name]}"'
        for name in fields
    )


@cache
def _page_sql() -> dict[str, str]:
    """The five queries of incidents_in_full, written once from the models' field lists.

    Hand-written SQL with `= ANY(array)` rather than the ORM's `__in`: the page's hundreds of
    claim ids become one parameter instead of hundreds, and the rows come back already keyed by
    their API names. Each query starts with the id(s) used to group its rows. (S608: only
    column names from the models are interpolated; values are parameters.)"""
    statement_fields = tuple(f for f in STATEMENT_FIELDS if f != "incident_id")
    claim_fields = tuple(f for f in CLAIM_FIELDS if f != "statement_id")
    citation_fields = tuple(f for f in CITATION_FIELDS if f not in ("claim_id", "statement_id"))
    return {
        # A per-row index lookup for the stamp: a join would read the whole stamp table.
        "incidents": f"""SELECT {_columns(Incident, "i", INCIDENT_FIELDS)},
            (SELECT ic.changed_at FROM tracker_incidentchange ic WHERE ic.incident_id = i.id)
                AS changed_at
            FROM tracker_incident i WHERE i.id = ANY(%s)""",  # noqa: S608
        # The side is the party's side in the incident's conflict (at most one: Alignment.clean).
        "statements": f"""SELECT s.incident_id, {_columns(Statement, "s", statement_fields)},
            (SELECT a.side_id FROM tracker_alignment a JOIN tracker_side sd ON sd.id = a.side_id
              WHERE a.party_id = s.party_id AND sd.conflict_id = i.conflict_id
              ORDER BY a.id LIMIT 1) AS side
            FROM tracker_statement s JOIN tracker_incident i ON i.id = s.incident_id
            WHERE s.incident_id = ANY(%s) AND NOT s.held
            ORDER BY s.issued_at, s.id""",  # noqa: S608
        "claims": f"""SELECT c.statement_id, {_columns(Claim, "c", claim_fields)}
            FROM tracker_claim c WHERE c.statement_id = ANY(%s) AND NOT c.held
            ORDER BY c.id""",  # noqa: S608
        # A citation supports either a claim or a statement (a check constraint).
        "citations": f"""SELECT ct.claim_id, ct.statement_id,
            {_columns(Citation, "ct", citation_fields)},
            src.url AS source_url, src.title AS source_title
            FROM tracker_citation ct JOIN tracker_source src ON src.id = ct.source_id
            WHERE (ct.claim_id = ANY(%s) OR ct.statement_id = ANY(%s)) AND NOT ct.held
            ORDER BY ct.source_id, ct.start_offset, ct.id""",  # noqa: S608
        "counterclaims": f"""SELECT {_columns(Counterclaim, "cc", COUNTERCLAIM_FIELDS)}
            FROM tracker_counterclaim cc
            WHERE cc.claim_a_id = ANY(%s) AND cc.state = %s AND NOT cc.held
            ORDER BY cc.id""",  # noqa: S608
    }


def _fetch(cursor: CursorWrapper, sql: str, params: list[Any], keys: int) -> list[tuple]:
    """Rows as (first KEYS values, dict of the rest by column name)."""
    cursor.execute(sql, params)
    names = [column.name for column in cursor.description][keys:]
    return [(*row[:keys], dict(zip(names, row[keys:], strict=True))) for row in cursor.fetchall()]


def incidents_in_full(incident_ids: Iterable[int]) -> list[dict[str, Any]]:
    """The full public representation of each incident in INCIDENT_IDS, in that order, in five
    queries whatever the count. Only what an editor approved (no row awaiting approval: the
    publish gate, tracker.services.revisions), and only confirmed counterclaims (the same set
    the dispute status counts); the side of each statement is its party's side in the conflict."""
    ids = list(incident_ids)
    if not ids:
        return []
    sql = _page_sql()
    with connection.cursor() as cursor:
        incidents = {row["id"]: row for (row,) in _fetch(cursor, sql["incidents"], [ids], 0)}
        statements = _fetch(cursor, sql["statements"], [ids], 1)
        statement_ids = [statement["id"] for _, statement in statements]
        claims = _fetch(cursor, sql["claims"], [statement_ids], 1)
        claim_ids = [claim["id"] for _, claim in claims]
        citations = _fetch(cursor, sql["citations"], [claim_ids, statement_ids], 2)
        counterclaims = _fetch(
            cursor, sql["counterclaims"], [claim_ids, ProposalState.CONFIRMED.value], 0
        )

    claim_citations: dict[int, list[dict[str, Any]]] = defaultdict(list)
    statement_citations: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for claim_id, statement_id, citation in citations:
        if claim_id is not None:
            claim_citations[claim_id].append(citation)
        else:
            statement_citations[statement_id].append(citation)
    claims_by_statement: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for statement_id, claim in claims:
        claim["citations"] = claim_citations.get(claim["id"], [])
        claims_by_statement[statement_id].append(claim)
    statements_by_incident: dict[int, list[dict[str, Any]]] = defaultdict(list)
    incident_of_claim: dict[int, int] = {}
    for incident_id, statement in statements:
        statement["citations"] = statement_citations.get(statement["id"], [])
        statement["claims"] = claims_by_statement.get(statement["id"], [])
        statements_by_incident[incident_id].append(statement)
        for claim in statement["claims"]:
            incident_of_claim[claim["id"]] = incident_id
    counterclaims_by_incident: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for (counterclaim,) in counterclaims:
        counterclaims_by_incident[incident_of_claim[counterclaim["claim_a"]]].append(counterclaim)
    page = []
    for incident_id in ids:
        out = incidents.get(incident_id)
        if out is None:
            continue
        out["dispute_status"] = dispute_status_of(
            statements_by_incident.get(incident_id, []),
            counterclaims_by_incident.get(incident_id, []),
        )
        out["statements"] = statements_by_incident.get(incident_id, [])
        out["counterclaims"] = counterclaims_by_incident.get(incident_id, [])
        page.append(out)
    return page
