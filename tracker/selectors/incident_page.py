"""Everything around the grid on the incident page: the statement timeline with response
latencies, the sources, pending revisions as diffs, merges and the editorial log."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, Field, OuterRef, Q, QuerySet
from django.db.models.functions import JSONObject

from tracker.enums import (
    Aspect,
    EditorialState,
    ProposalState,
    RevisionAction,
    RevisionState,
    SideRole,
)
from tracker.models import (
    Citation,
    Claim,
    Counterclaim,
    EditorialLogEntry,
    Incident,
    PendingRevision,
    Side,
    Source,
    Statement,
)
from tracker.models.revision import REVISION_MODELS
from tracker.selectors.grid import Grid
from tracker.selectors.parties import sides_and_alignments


@dataclass
class TimelineEntry:
    statement: Any
    side: Any
    # How long after the other side's first statement this one came, if it answered one.
    answers: Any = None
    latency: timedelta | None = None
    # The latest edit or removal of its original page by the source (statement watch).
    source_change: Any = None


def statement_timeline(grid: Grid) -> list[TimelineEntry]:
    side_of = {
        view.claim.statement_id: view.side
        for row in grid.rows
        for _, cell in row.cells
        for view in cell
    }
    changes = grid.source_changes
    entries = [
        TimelineEntry(statement=s, side=side_of.get(s.pk), source_change=changes.get(s.pk))
        for s in grid.statements
    ]
    dated = sorted(
        (e for e in entries if e.statement.issued_at), key=lambda e: e.statement.issued_at
    )
    for index, entry in enumerate(dated):
        earlier = [e for e in dated[:index] if e.side and entry.side and e.side != entry.side]
        if earlier:
            entry.answers = earlier[0].statement
            entry.latency = entry.statement.issued_at - earlier[0].statement.issued_at
    return entries


def incident_sources(incident: Incident) -> list[Source]:
    """Sources cited in INCIDENT, then those gathered for it and not cited yet."""
    cited_here = Q(citations__claim__statement__incident=incident) | Q(
        citations__statement__incident=incident
    )
    return list(
        Source.objects.filter(cited_here | Q(gathered_for__incident=incident))
        .select_related("outlet")
        .annotate(cited=Count("citations", filter=cited_here, distinct=True))
        .order_by("-cited", "id")
        .distinct()
    )


@dataclass
class ProposedChange:
    """One field a pending revision would change, as the incident page lists it (the history
    page's FieldChange is a recorded change, with its word diff)."""

    label: str
    old: Any
    new: Any


@dataclass
class RevisionView:
    revision: PendingRevision
    target_label: str
    changes: list[ProposedChange]


def _rows_in_hand(grid: Grid) -> dict[tuple[str, int], Any]:
    """The rows of the grid's incident a pending revision may change, as the grid read them."""
    target = PendingRevision.Target
    rows: dict[tuple[str, int], Any] = {(target.INCIDENT, grid.incident.pk): grid.incident}
    rows.update({(target.STATEMENT, statement.pk): statement for statement in grid.statements})
    for row in grid.rows:
        for _, cell in row.cells:
            for view in cell:
                rows[(target.CLAIM, view.claim.pk)] = view.claim
                rows.update({(target.CITATION, c.pk): c for c in view.citations})
                rows.update({(target.COUNTERCLAIM, pair.pk): pair for pair, _ in view.relations})
    return rows


def pending_revisions(incident: Incident, *, grid: Grid | None = None) -> list[RevisionView]:
    """Pending revisions as field diffs against the rows as published: one query for the
    revisions; the rows they change are taken from the newsroom's GRID of the incident where
    it holds them (a citation is never edited, so its view names it well enough), and at most
    one query per kind of row it does not."""
    revisions = list(
        incident.revisions.filter(state=RevisionState.PENDING).select_related("author")
    )
    current = _rows_in_hand(grid) if grid is not None and revisions else {}
    for target in {revision.target for revision in revisions}:
        ids = [
            revision.target_id
            for revision in revisions
            if revision.target == target and (target, revision.target_id) not in current
        ]
        if not ids:
            continue
        rows = REVISION_MODELS[target]._default_manager.filter(pk__in=ids)
        if target == PendingRevision.Target.STATEMENT:
            rows = rows.select_related("party", "incident")  # both are in its name
        for row in rows:
            current[(target, row.pk)] = row
    views = []
    for revision in revisions:
        obj = current.get((revision.target, revision.target_id))
        model = REVISION_MODELS[revision.target]
        changes = []
        # Only an edit holds field values; a merge holds its note, additions and deletions none.
        edited = revision.changes if revision.action == RevisionAction.EDIT else {}
        for key, new in edited.items():
            field = cast(Field, model._meta.get_field(key.removesuffix("_id")))
            old = getattr(obj, field.attname) if obj is not None else None
            changes.append(ProposedChange(label=str(field.verbose_name), old=old, new=new))
        views.append(
            RevisionView(revision=revision, target_label=str(obj or revision), changes=changes)
        )
    return views


def editorial_log(incident: Incident) -> list[EditorialLogEntry]:
    return list(
        EditorialLogEntry.objects.filter(incident_id=incident.pk)
        .select_related("user")
        .order_by("-created_at", "-id")[:50]
    )


def incidents_for_page() -> QuerySet[Incident]:
    """Incidents with what the staff page shows of each beside its own row, in the same query:
    its conflict, the incident it was merged into (its address leads there), its assignee, and
    the incidents merged into it (`merged_here`, as merged_into_here gives them)."""
    merged = Incident.objects.filter(merged_into=OuterRef("pk")).order_by("id")
    return Incident.objects.select_related(
        "conflict", "merged_into", "assignment__assignee"
    ).annotate(merged_here=ArraySubquery(merged.values(row=JSONObject(pk="pk", title="title"))))


def merged_into_here(incident: Incident) -> list[Mapping[str, Any]]:
    """The incidents merged into INCIDENT (pk and title), oldest first: read with it when it
    came from incidents_for_page."""
    read = getattr(incident, "merged_here", None)
    if read is not None:
        return read
    return list(Incident.objects.filter(merged_into=incident).order_by("id").values("pk", "title"))


@dataclass
class Unresolved:
    """What an editor should know before publishing: none of it blocks, all of it shows."""

    uncited: list[Any]  # ClaimView
    silent_sides: list[Side]
    proposed: list[Counterclaim]

    def __bool__(self) -> bool:
        return bool(self.uncited or self.silent_sides or self.proposed)


def unresolved_before_publishing(grid: Grid) -> Unresolved:
    """From the newsroom's grid: claims without a citation, belligerent sides with no statement,
    counterclaims still only proposed (they will not be shown to readers)."""
    sides, party_side = sides_and_alignments(conflict=grid.incident.conflict)
    heard = {party_side[s.party_id].pk for s in grid.statements if s.party_id in party_side}
    silent = [side for side in sides if side.role == SideRole.BELLIGERENT and side.pk not in heard]
    proposed = list(
        Counterclaim.objects.filter(
            claim_a__statement__incident=grid.incident, state=ProposalState.PROPOSED
        ).select_related("claim_a", "claim_b")
    )
    return Unresolved(uncited=grid.uncited, silent_sides=silent, proposed=proposed)


@dataclass
class IncidentSummary:
    """One incident as the merge preview compares it: what it holds, aspect by aspect."""

    incident: Incident
    statements: int
    claims_by_aspect: list[tuple[str, int]]  # (aspect label, count), in the aspects' order
    sources: int


@dataclass
class MergePreview:
    statements: int
    claims: int
    citations: int
    held: bool  # the target is published: the merge waits for an editor's approval
    # Side by side: the incident to merge, then the target.
    summaries: tuple[IncidentSummary, IncidentSummary]


def _summary(incident: Incident) -> IncidentSummary:
    counts = dict(
        Claim.objects.filter(statement__incident=incident)
        .values_list("aspect")
        .annotate(n=Count("id"))
        .values_list("aspect", "n")
    )
    return IncidentSummary(
        incident=incident,
        statements=Statement.objects.filter(incident=incident).count(),
        claims_by_aspect=[(str(a.label), counts[a.value]) for a in Aspect if a.value in counts],
        sources=Source.objects.filter(
            Q(citations__claim__statement__incident=incident)
            | Q(citations__statement__incident=incident)
        )
        .distinct()
        .count(),
    )


def merge_preview(*, incident: Incident, target: Incident) -> MergePreview:
    """What merging INCIDENT into TARGET would move, and both incidents side by side."""
    first, second = _summary(incident), _summary(target)
    return MergePreview(
        statements=first.statements,
        claims=sum(n for _, n in first.claims_by_aspect),
        citations=Citation.objects.filter(
            Q(claim__statement__incident=incident) | Q(statement__incident=incident)
        ).count(),
        held=target.state == EditorialState.PUBLISHED,
        summaries=(first, second),
    )


def merge_targets(*, incident: Incident) -> QuerySet[Incident]:
    """The incidents INCIDENT may be merged into: same conflict, not itself, not merged away,
    not retracted (a withdrawn incident is no place to gather statements)."""
    return (
        Incident.objects.live()
        .filter(conflict_id=incident.conflict_id)
        .exclude(pk=incident.pk)
        .exclude(state=EditorialState.RETRACTED)
        .order_by("-occurred_start", "-id")
    )


def _day(word: str) -> date | None:
    """A date as an editor types it (2022-09-13, 13.09.2022, 13/09/2022, "13 Sep 2022"), or
    None: merge_target_search tries the whole query first, then each word."""
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d %b %Y", "%d %B %Y"):
        try:
            return datetime.strptime(word, pattern).date()
        except ValueError:
            continue
    return None


def merge_target_search(*, incident: Incident, query: str, limit: int = 10) -> list[Incident]:
    """Merge targets matching QUERY by title, place and date: a date (in any form _day reads)
    matches the day the incident began; every other word must appear in the title or the
    place. An empty query lists the latest candidates."""
    rows = merge_targets(incident=incident)
    text = " ".join(query.split())
    day = _day(text)
    words = [] if day else text.split()
    if day is not None:
        rows = rows.filter(occurred_start__date=day)
    for word in words:
        on_day = _day(word)
        rows = rows.filter(
            Q(occurred_start__date=on_day)
            if on_day
            else Q(title__icontains=word) | Q(place__icontains=word)
        )
    return list(rows.select_related("conflict")[:limit])
