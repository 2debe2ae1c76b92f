"""Reads the building forms need: the zone a conflict's incidents are usually reported in, a
side's parties, and where a source was gathered."""

from django.db.models import Count, QuerySet

from tracker.models import Conflict, Incident, Party, Side, Source


def conflict_usual_timezone(conflict: Conflict) -> str:
    """The IANA zone most of CONFLICT's incidents were reported in ("" when none has one): the
    default a new incident's time is read in."""
    row = (
        Incident.objects.filter(conflict=conflict)
        .exclude(local_timezone="")
        .values("local_timezone")
        .annotate(n=Count("id"))
        .order_by("-n", "local_timezone")
        .first()
    )
    return row["local_timezone"] if row else ""


def side_parties(side: Side) -> QuerySet[Party]:
    """The parties that speak for SIDE: the only ones a statement in its column may be by."""
    return Party.objects.filter(alignments__side=side).order_by("name")


def source_incidents(source: Source) -> list[Incident]:
    """The live incidents SOURCE was gathered for or is cited in, newest first."""
    return list(
        Incident.objects.live()
        .filter(gathered_sources__source=source)
        .union(
            Incident.objects.live().filter(statements__claims__citations__source=source),
            Incident.objects.live().filter(statements__citations__source=source),
        )
        .order_by("-occurred_start")
    )


def sources_added_by_hand(limit: int = 20) -> list[Source]:
    """The latest sources people added (not from a feed), for the inbox: a report pasted or
    fetched by hand has no proposals to review, and must still be found again."""
    return list(
        Source.objects.filter(feed__isnull=True, near_duplicate_of__isnull=True)
        .select_related("outlet")
        .only("id", "title", "url", "language", "created_at", "outlet__name")
        .order_by("-created_at", "-id")[:limit]
    )
