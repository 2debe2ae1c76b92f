"""The comparison grid: one column per side, one row per aspect, each cell that side's claims.

Built from a fixed number of queries whatever the counts (incident, sides, statements, claims with
citations and sources, counterclaims), so a large incident costs no more round trips than a small
one."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from tracker.enums import Aspect, ProposalState, SideRole
from tracker.models import Citation, Claim, Counterclaim, Incident, Side, Source, Statement
from tracker.selectors.parties import sides_and_alignments
from tracker.selectors.statement_watch import SourceChange, statement_source_changes

# Rows shown even when nobody spoke to them: silence on these is news.
CORE_ASPECTS = (Aspect.INITIATOR, Aspect.TIMING, Aspect.LOCATION, Aspect.CASUALTIES)


@dataclass(frozen=True, slots=True)
class CitationView:
    """A citation as the grid shows it: plain values, no model instance per row."""

    pk: int
    excerpt: str
    start_offset: int
    end_offset: int
    source: Source
    # The quoted passage is no longer in the source's current version of the statement's page
    # (statement watch); the citation keeps the version it quoted.
    lost: bool = False

    def __str__(self) -> str:
        """As Citation's: a pending revision of the citation is named by it."""
        return f"“{self.excerpt[:60]}”"


@dataclass
class ClaimView:
    claim: Claim
    side: Side
    citations: list[CitationView]
    # Each counterclaim with the other claim of its pair (its side, statement and party in hand,
    # so the link can say which claim it pairs with); dismissed pairs left out.
    relations: list[tuple[Counterclaim, ClaimView]] = field(default_factory=list)
    # The latest edit or removal of its statement's original page by the source.
    source_change: SourceChange | None = None

    @property
    def contradicted(self) -> bool:
        return any(cc.relation == "contradicts" for cc, _ in self.relations)

    @property
    def corroborated(self) -> bool:
        return any(cc.relation == "corroborates" for cc, _ in self.relations)


@dataclass
class GridRow:
    aspect: Aspect
    cells: list[tuple[Side, list[ClaimView]]]  # one per column, in column order


@dataclass
class Grid:
    incident: Incident
    sides: list[Side]
    rows: list[GridRow]
    statements: list[Statement]
    uncited: list[ClaimView]
    source_changes: dict[int, SourceChange]  # by statement id
    # Sides that made at least one statement here: their empty cells are "not addressed" (they
    # spoke, not on this aspect); the other sides' are "no statement" (they said nothing).
    heard: set[int] = field(default_factory=set)
    # Third parties (mediators, monitors) with no column yet: the newsroom's page offers a
    # statement by each, after which it has a column like any side that spoke.
    third_parties: list[Side] = field(default_factory=list)

    @property
    def claim_count(self) -> int:
        return sum(len(cell) for row in self.rows for _, cell in row.cells)


def incident_grid(
    *, incident: Incident, public: bool = False, sources: Mapping[int, Source] | None = None
) -> Grid:
    """PUBLIC: only what an editor approved, and confirmed counterclaims (the public page).
    Otherwise the newsroom's view: rows awaiting approval too (marked `held`), and proposed
    counterclaims beside confirmed ones. SOURCES: every source the incident's citations cite,
    by id, when the caller has read them already (the staff page lists them), else queried."""
    all_sides, party_side = sides_and_alignments(conflict=incident.conflict)
    side_by_id = {side.pk: side for side in all_sides}
    statement_rows, claim_rows, citation_rows = (
        (model.objects.approved() if public else model.objects.all())
        for model in (Statement, Claim, Citation)
    )
    statements = list(
        statement_rows.filter(incident=incident)
        .select_related("party", "reported_by")
        .order_by("issued_at", "id")
    )
    for statement in statements:
        statement.incident = incident  # in hand: a statement's name says its incident
    claims = list(claim_rows.filter(statement__incident=incident).order_by("aspect", "id"))
    # Citations without their sources, then each source once: 500 citations of one report
    # must not load (or even join) its row 500 times.
    citations = list(
        citation_rows.filter(claim__statement__incident=incident)
        .order_by("source_id", "start_offset")
        .values_list("id", "claim_id", "source_id", "excerpt", "start_offset", "end_offset")
    )
    if sources is None:
        sources = {
            source.pk: source
            for source in Source.objects.filter(id__in={row[2] for row in citations})
            .select_related("outlet")
            .only("id", "url", "title", "language", "outlet__name")
        }
    # Only a statement with an original URL is watched: none, no query.
    changes = statement_source_changes([s.pk for s in statements if s.original_url])
    lost = {c.pk for change in changes.values() for c in change.lost_citations}
    cited: dict[int, list[CitationView]] = defaultdict(list)
    for pk, claim_id, source_id, excerpt, start, end in citations:
        cited[claim_id].append(
            CitationView(pk, excerpt, start, end, sources[source_id], lost=pk in lost)
        )
    statement_by_id = {statement.pk: statement for statement in statements}
    views: dict[int, ClaimView] = {}
    for claim in claims:
        statement = statement_by_id[claim.statement_id]
        claim.statement = statement
        # The sides are already in hand: no join for them.
        claim.accused_side = side_by_id.get(claim.accused_side_id)
        claim.casualty_side = side_by_id.get(claim.casualty_side_id)
        side = party_side.get(statement.party_id)
        if side is not None:
            views[claim.pk] = ClaimView(
                claim=claim,
                side=side,
                citations=cited[claim.pk],
                source_change=changes.get(claim.statement_id),
            )
    # Both claims of a pair belong to one incident (the database enforces it): join, don't list ids.
    pairs = (
        Counterclaim.objects.public()
        if public
        else Counterclaim.objects.exclude(state=ProposalState.DISMISSED)
    ).filter(claim_a__statement__incident=incident)
    for pair in pairs:
        first, second = views.get(pair.claim_a_id), views.get(pair.claim_b_id)
        if first and second:
            first.relations.append((pair, second))
            second.relations.append((pair, first))

    heard = {
        party_side[statement.party_id]
        for statement in statements
        if statement.party_id in party_side
    }
    spoken = {view.side for view in views.values()} | heard
    sides = sorted(
        spoken | {side for side in all_sides if side.role == SideRole.BELLIGERENT},
        key=lambda side: side.name.casefold(),
    )
    column = {side.pk: index for index, side in enumerate(sides)}
    present = {view.claim.aspect for view in views.values()}
    rows = [
        GridRow(aspect=aspect, cells=[(side, []) for side in sides])
        for aspect in Aspect
        if aspect in CORE_ASPECTS or aspect in present
    ]
    row_of = {row.aspect: row for row in rows}
    for view in views.values():
        row_of[Aspect(view.claim.aspect)].cells[column[view.side.pk]][1].append(view)
    uncited = [view for view in views.values() if not view.citations]
    return Grid(
        incident=incident,
        sides=sides,
        rows=rows,
        statements=statements,
        uncited=uncited,
        source_changes=changes,
        heard={side.pk for side in heard},
        third_parties=sorted(
            (side for side in all_sides if side.role == SideRole.THIRD_PARTY and side not in sides),
            key=lambda side: side.name.casefold(),
        ),
    )
