"""What the statement watch found, for the pages: the latest change by the source per
statement, and a conflict's recent changes."""

from dataclasses import dataclass

from tracker.enums import EditorialState, StatementCheck
from tracker.models import Citation, Conflict, StatementVersion

CHANGES = [StatementCheck.EDITED, StatementCheck.REMOVED, StatementCheck.RESTORED]


@dataclass
class SourceChange:
    version: StatementVersion
    lost_citations: list[Citation]


def statement_source_changes(statement_ids: list[int]) -> dict[int, SourceChange]:
    """The latest edit, removal or return of each statement's original page (one query, a
    second only when a quoted passage was lost; none for no statements)."""
    if not statement_ids:
        return {}
    versions = (
        StatementVersion.objects.filter(statement_id__in=statement_ids, kind__in=CHANGES)
        .order_by("statement_id", "-seen_at", "-id")
        .distinct("statement_id")
        .defer("snapshot")
    )
    latest = {version.statement_id: version for version in versions}
    lost_ids = {pk for version in latest.values() for pk in version.lost_citation_ids}
    citations = Citation.objects.in_bulk(lost_ids) if lost_ids else {}
    return {
        statement_id: SourceChange(
            version=version,
            lost_citations=[citations[pk] for pk in version.lost_citation_ids if pk in citations],
        )
        for statement_id, version in latest.items()
    }


def recent_source_changes(
    *, conflict: Conflict, published_only: bool, limit: int = 20
) -> list[StatementVersion]:
    versions = StatementVersion.objects.filter(
        statement__incident__conflict=conflict,
        statement__incident__merged_into__isnull=True,
        kind__in=CHANGES,
    )
    if published_only:
        versions = versions.filter(statement__incident__state=EditorialState.PUBLISHED)
    return list(
        versions.select_related("statement__party", "statement__incident")
        .defer("snapshot", "text")
        .order_by("-seen_at", "-id")[:limit]
    )
