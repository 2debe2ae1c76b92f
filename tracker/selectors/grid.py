"""The comparison grid: one column per side, one row per aspect, each cell that side's claims.

Built from a fixed number of queries whatever the counts (incident, sides, statements, claims with
citations and sources, counterclaims), so a large incident costs no more round trips than a small
one."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from tracker.enums import Aspect, ProposalState, SideRole
from tracker.models import Citation, Claim, Counterclaim, Incident, Side, Statement
from tracker.selectors.parties import party_sides_by_id

# Rows shown even when nobody spoke to them: silence on these is news.
CORE_ASPECTS = (Aspect.INITIATOR, Aspect.TIMING, Aspect.LOCATION, Aspect.CASUALTIES)


@dataclass
class ClaimView:
    claim: Claim
    side: Side
    citations: list[Citation]
    # (relation, state, the other claim, reason), dismissed pairs left out
    relations: list[tuple[Counterclaim, Claim]] = field(default_factory=list)

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

    @property
    def claim_count(self) -> int:
        return sum(len(cell) for row in self.rows for _, cell in row.cells)


def incident_grid(*, incident: Incident) -> Grid:
    party_side = party_sides_by_id(conflict=incident.conflict)
    statements = list(
        Statement.objects.filter(incident=incident)
        .select_related("party", "reported_by")
        .prefetch_related(
            Prefetch(
                "claims",
                queryset=Claim.objects.select_related("accused_side", "casualty_side")
                .prefetch_related(
                    Prefetch(
                        "citations",
                        queryset=Citation.objects.select_related("source__outlet").order_by(
                            "source_id", "start_offset"
                        ),
                    )
                )
                .order_by("aspect", "id"),
            )
        )
        .order_by("issued_at", "id")
    )
    views: dict[int, ClaimView] = {}
    for statement in statements:
        side = party_side.get(statement.party_id)
        if side is None:
            continue
        for claim in statement.claims.all():
            views[claim.pk] = ClaimView(
                claim=claim, side=side, citations=list(claim.citations.all())
            )
    pairs = Counterclaim.objects.filter(
        Q(claim_a__in=views.keys()) | Q(claim_b__in=views.keys())
    ).exclude(state=ProposalState.DISMISSED)
    for pair in pairs:
        first, second = views.get(pair.claim_a_id), views.get(pair.claim_b_id)
        if first and second:
            first.relations.append((pair, second.claim))
            second.relations.append((pair, first.claim))

    spoken = {view.side for view in views.values()}
    sides = sorted(
        spoken | set(incident.conflict.sides.filter(role=SideRole.BELLIGERENT)),
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
    return Grid(incident=incident, sides=sides, rows=rows, statements=statements, uncited=uncited)
