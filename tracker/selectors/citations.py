"""Reads behind citing: a source's text split into cited and uncited spans, the claims and
statements a journalist may cite it for, and the claims nobody has cited yet."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from tracker.models import Citation, Claim, Incident, Source, Statement

CLAIM_SEARCH_LIMIT = 20
UNCITED_INCIDENTS_PER_PAGE = 20


@dataclass
class Span:
    """A stretch of the source's text [start, end) covered by the same citations (none for
    uncited text). Overlapping citations split the text at every boundary."""

    start: int
    end: int
    text: str
    citations: list[Citation] = field(default_factory=list)

    @property
    def citation(self) -> Citation | None:
        """The citation a highlight links to: the narrowest covering one, the most specific."""
        if not self.citations:
            return None
        return min(self.citations, key=lambda c: (c.end_offset - c.start_offset, c.pk))


@dataclass
class IncidentChoices:
    incident: Incident
    claims: list[Claim]
    statements: list[Statement]


def _citation_incident_id(citation: Citation) -> int:
    statement = citation.claim.statement if citation.claim is not None else citation.statement
    if statement is None:  # citation_cites_claim_xor_statement makes this impossible
        raise ValueError(f"citation {citation.pk} cites neither a claim nor a statement")
    return statement.incident_id


def source_citations(*, source: Source) -> list[Citation]:
    return list(
        Citation.objects.filter(source=source)
        .select_related("claim__statement__party", "statement__party")
        .order_by("start_offset", "end_offset", "pk")
    )


def source_spans(*, text: str, citations: list[Citation]) -> list[Span]:
    """TEXT cut at every citation boundary. Offsets are code points, like Python's str."""
    cuts = {c.start_offset for c in citations} | {c.end_offset for c in citations}
    bounds = sorted({0, len(text)} | {cut for cut in cuts if 0 <= cut <= len(text)})
    spans = []
    for start, end in pairwise(bounds):
        covering = [c for c in citations if c.start_offset <= start and c.end_offset >= end]
        spans.append(Span(start=start, end=end, text=text[start:end], citations=covering))
    return spans


def source_near_duplicates(*, source: Source) -> list[Source]:
    """The other members of SOURCE's near-duplicate group (the group's first source and every
    source pointing at it), oldest first."""
    head_id = source.near_duplicate_of_id or source.pk
    group = Source.objects.filter(Q(pk=head_id) | Q(near_duplicate_of_id=head_id)).exclude(
        pk=source.pk
    )
    return list(group.select_related("outlet").order_by("published_at", "pk"))


def _choices(incident_ids: set[int]) -> list[IncidentChoices]:
    claims = Claim.objects.select_related("statement__party").order_by(
        "statement__issued_at", "statement_id", "aspect", "pk"
    )
    statements = Statement.objects.select_related("party").order_by("issued_at", "pk")
    incidents = (
        Incident.objects.filter(pk__in=incident_ids)
        .prefetch_related(
            Prefetch(
                "statements",
                queryset=statements.prefetch_related(Prefetch("claims", queryset=claims)),
                to_attr="statement_list",
            )
        )
        .order_by("-occurred_start", "-pk")
    )
    return [
        IncidentChoices(
            incident=incident,
            # statement_list: the Prefetch's to_attr, which the type checker cannot see.
            claims=[c for s in incident.statement_list for c in s.claims.all()],  # type: ignore[attr-defined]
            statements=incident.statement_list,  # type: ignore[attr-defined]
        )
        for incident in incidents
    ]


def cite_choices(
    *,
    citations: list[Citation],
    also_claim: Claim | None = None,
    also_incident_id: int | None = None,
) -> list[IncidentChoices]:
    """Claims and statements of the incidents the source is already cited in (plus ALSO_CLAIM's
    incident, when a journalist came from the uncited list to cite that claim, and the incident
    the source page was opened from, so "a new claim" offers its statements at once)."""
    incident_ids = {_citation_incident_id(c) for c in citations}
    if also_claim is not None:
        incident_ids.add(also_claim.statement.incident_id)
    if also_incident_id is not None:
        incident_ids.add(also_incident_id)
    return _choices(incident_ids)


def claim_search(*, query: str) -> list[IncidentChoices]:
    """Incidents whose title, or one of whose claims, contains QUERY (a number finds the incident
    or claim with that id), with their claims and statements, for citing from any incident."""
    query = query.strip()
    if not query:
        return []
    matches = Q(title__icontains=query) | Q(statements__claims__text__icontains=query)
    if query.isdigit():
        matches |= Q(pk=int(query)) | Q(statements__claims__pk=int(query))
    incident_ids = set(
        Incident.objects.live()
        .filter(matches)
        .order_by("-occurred_start")
        .values_list("pk", flat=True)
        .distinct()[:CLAIM_SEARCH_LIMIT]
    )
    return _choices(incident_ids)


def uncited_claims(*, page_number: Any) -> tuple[Page, list[tuple[Incident, list[Claim], list]]]:
    """Claims without any citation grouped by incident, a page of incidents at a time (so an
    incident's claims never straddle two pages), with the sources already cited in each incident
    to cite them from."""
    uncited = Claim.objects.filter(~Exists(Citation.objects.filter(claim=OuterRef("pk"))))
    incidents: QuerySet[Incident] = (
        Incident.objects.live()
        .filter(Exists(uncited.filter(statement__incident=OuterRef("pk"))))
        .select_related("conflict")
        .order_by("-occurred_start", "-pk")
    )
    page = Paginator(incidents, UNCITED_INCIDENTS_PER_PAGE).get_page(page_number)
    shown = list(page.object_list)
    claims_by_incident: dict[int, list[Claim]] = {incident.pk: [] for incident in shown}
    for claim in (
        uncited.filter(statement__incident__in=shown)
        .select_related("statement__party")
        .order_by("statement__issued_at", "statement_id", "aspect", "pk")
    ):
        claims_by_incident[claim.statement.incident_id].append(claim)
    sources_by_incident: dict[int, dict[int, Source]] = {incident.pk: {} for incident in shown}
    for citation in (
        Citation.objects.filter(
            Q(claim__statement__incident__in=shown) | Q(statement__incident__in=shown)
        )
        .select_related("source__outlet", "claim__statement", "statement")
        .order_by("source_id")
    ):
        sources = sources_by_incident[_citation_incident_id(citation)]
        sources.setdefault(citation.source_id, citation.source)
    groups = [
        (incident, claims_by_incident[incident.pk], list(sources_by_incident[incident.pk].values()))
        for incident in shown
    ]
    return page, groups
