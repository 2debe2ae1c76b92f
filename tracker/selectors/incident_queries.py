"""Which incidents match a query: one criteria type and one selector behind the incident list
page, the API's incident list and every feed and export, so the same parameters select the
same incidents through each of them (docs/api.md, "Filters")."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from django.db.models import Exists, OuterRef, Q, QuerySet

from tracker.models import Citation, Claim, Incident, Statement
from tracker.selectors.incidents import incidents_with_dispute_status


@dataclass(frozen=True)
class Bbox:
    """A box in degrees; west > east crosses the antimeridian (RFC 7946 §5.2)."""

    west: float
    south: float
    east: float
    north: float


@dataclass(frozen=True)
class IncidentCriteria:
    """What a query asks for; an empty value does not filter. Several values of one criterion
    mean any of them; different criteria must all hold. A date range bound given as a date
    covers that whole UTC day."""

    q: str = ""
    conflict: int | str | None = None  # id or slug
    party: tuple[int, ...] = ()  # any of these parties made an approved statement
    side: tuple[int, ...] = ()  # a party of any of these sides did
    type: tuple[str, ...] = ()
    state: tuple[str, ...] = ()  # only where the viewer may see unpublished incidents
    verdict: tuple[str, ...] = ()  # has an approved claim with such a verdict
    aspect: tuple[str, ...] = ()  # has an approved claim about such an aspect
    dispute: tuple[str, ...] = ()
    occurred_from: date | datetime | None = None
    occurred_to: date | datetime | None = None
    uncited: bool = False  # has an approved claim without any approved citation
    bbox: Bbox | None = None


def range_start(bound: date | datetime) -> datetime:
    """The first instant a range starting at BOUND covers."""
    return bound if isinstance(bound, datetime) else datetime.combine(bound, time.min, UTC)


def range_end(bound: date | datetime) -> datetime:
    """The last instant a range ending at BOUND covers."""
    # time.max rather than "before the next day": 9999-12-31 has no next day.
    return bound if isinstance(bound, datetime) else datetime.combine(bound, time.max, UTC)


def bbox_q(prefix: str, box: Bbox) -> Q:
    """Points (PREFIX latitude/longitude) inside BOX."""
    lat = Q(**{f"{prefix}latitude__gte": box.south, f"{prefix}latitude__lte": box.north})
    if box.west <= box.east:
        lon = Q(**{f"{prefix}longitude__gte": box.west, f"{prefix}longitude__lte": box.east})
    else:
        east_of, west_of = f"{prefix}longitude__gte", f"{prefix}longitude__lte"
        lon = Q(**{east_of: box.west}) | Q(**{west_of: box.east})
    return lat & lon


def conflict_q(prefix: str, value: int | str) -> Q:
    """A conflict by id or by slug."""
    if isinstance(value, int):
        return Q(**{f"{prefix}conflict_id": value})
    return Q(**{f"{prefix}conflict__slug": value})


def incidents_matching(
    criteria: IncidentCriteria, *, published_only: bool = True
) -> QuerySet[Incident]:
    """The live incidents matching CRITERIA. With PUBLISHED_ONLY (anyone but staff, and editors
    who ask for no state) only the published ones, whatever `state` says. Statements, claims
    and citations count only once approved (the public facts), and `dispute` is the derived
    status of tracker.selectors.incidents."""
    incidents = Incident.objects.published() if published_only else Incident.objects.live()
    if criteria.state and not published_only:
        incidents = incidents.filter(state__in=criteria.state)
    if criteria.q:
        incidents = incidents.search(criteria.q)
    if criteria.conflict is not None:
        incidents = incidents.filter(conflict_q("", criteria.conflict))
    if criteria.type:
        incidents = incidents.filter(incident_type__in=criteria.type)
    if criteria.occurred_from is not None:
        incidents = incidents.filter(occurred_start__gte=range_start(criteria.occurred_from))
    if criteria.occurred_to is not None:
        incidents = incidents.filter(occurred_start__lte=range_end(criteria.occurred_to))
    if criteria.bbox is not None:
        incidents = incidents.filter(bbox_q("", criteria.bbox))
    statements = Statement.objects.approved().filter(incident=OuterRef("pk"))
    if criteria.party:
        incidents = incidents.filter(Exists(statements.filter(party_id__in=criteria.party)))
    if criteria.side:
        spoke = statements.filter(party__alignments__side_id__in=criteria.side)
        incidents = incidents.filter(Exists(spoke))
    claims = Claim.objects.approved().filter(statement__incident=OuterRef("pk"))
    if criteria.verdict:
        incidents = incidents.filter(Exists(claims.filter(verdict__in=criteria.verdict)))
    if criteria.aspect:
        incidents = incidents.filter(Exists(claims.filter(aspect__in=criteria.aspect)))
    if criteria.uncited:
        cited = Citation.objects.approved().filter(claim=OuterRef("pk"))
        incidents = incidents.filter(Exists(claims.filter(~Exists(cited))))
    if criteria.dispute:
        # dispute_status is an annotation, which the type checker's Django plugin cannot see.
        return incidents_with_dispute_status(incidents).filter(
            dispute_status__in=criteria.dispute  # type: ignore[misc]
        )
    return incidents
