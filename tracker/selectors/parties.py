import threading

from django.db.models import Count, Max

from tracker.enrich.parties import PartyMatcher, with_side_words
from tracker.enrich.types import PartyEntry, SideInfo
from tracker.enums import SideRole
from tracker.models import Alignment, Conflict, Party, PartyAlias, Side


def party_side(*, party: Party, conflict: Conflict) -> Side | None:
    """The side PARTY speaks for in CONFLICT, or None if it is not aligned there."""
    return Side.objects.filter(conflict=conflict, alignments__party=party).first()


def party_sides_by_id(*, conflict: Conflict) -> dict[int, Side]:
    """Party id → side, for every aligned party of CONFLICT, in one query."""
    return sides_and_alignments(conflict=conflict)[1]


def sides_and_alignments(*, conflict: Conflict) -> tuple[list[Side], dict[int, Side]]:
    """Every side of CONFLICT, and party id → side, from one query (a LEFT JOIN of the sides to
    their alignments: a side nobody is aligned with yet still comes back)."""
    sides: dict[int, Side] = {}
    party_side: dict[int, Side] = {}
    rows = Side.objects.filter(conflict=conflict).values(
        "id", "conflict_id", "name", "role", "country_code", "alignments__party_id"
    )
    for row in rows:
        party_id = row["alignments__party_id"]
        values = {name: value for name, value in row.items() if name != "alignments__party_id"}
        side = sides.get(row["id"]) or sides.setdefault(row["id"], Side(**values))
        if party_id is not None:
            party_side[party_id] = side
    return list(sides.values()), party_side


def sides_countries(conflict: Conflict | None = None) -> set[str]:
    """Country codes of the belligerent sides of CONFLICT (of every conflict when None): where a
    map of its incidents should look when none is located yet."""
    sides = Side.objects.filter(role=SideRole.BELLIGERENT).exclude(country_code="")
    if conflict is not None:
        sides = sides.filter(conflict=conflict)
    return set(sides.values_list("country_code", flat=True))


_cache_lock = threading.Lock()
_cache: dict[int | None, tuple[tuple, PartyMatcher]] = {}


def entries_from_database(conflict_id: int | None = None) -> list[PartyEntry]:
    """Every party aligned with a side of CONFLICT_ID (any conflict if None), with its aliases."""
    alignments = Alignment.objects.select_related("party", "side").prefetch_related(
        "party__aliases"
    )
    if conflict_id is not None:
        alignments = alignments.filter(side__conflict_id=conflict_id)
    entries = []
    # One entry per alignment: a party of two conflicts ("Houthis") speaks for a side in each;
    # the pipeline keeps the conflict the text is about (PartyMatcher.for_conflict).
    for alignment in alignments.order_by("side__conflict_id", "party_id"):
        party = alignment.party
        side = alignment.side
        aliases = [(a.text, a.language, a.is_metonym) for a in party.aliases.all()]
        aliases.append((party.name, "en", False))
        if party.short_name:
            aliases.append((party.short_name, "en", False))
        entries.append(
            PartyEntry(
                name=party.name,
                aliases=tuple(aliases),
                side=SideInfo(
                    name=side.name,
                    country_code=side.country_code,
                    belligerent=side.role == SideRole.BELLIGERENT,
                    id=side.pk,
                    conflict_id=side.conflict_id,
                ),
                kind=party.kind,
                id=party.pk,
            )
        )
    return with_side_words(entries)


def database_matcher(conflict_id: int | None = None) -> PartyMatcher:
    """Cached per process; rebuilt when a party, alias or alignment changed (one cheap query
    decides), so an editor's new alias is used by the next enrichment without a restart."""
    stamp = (
        tuple(PartyAlias.objects.aggregate(n=Count("id"), m=Max("id")).values()),
        tuple(Party.objects.aggregate(n=Count("id"), m=Max("updated_at")).values()),
        tuple(Alignment.objects.aggregate(n=Count("id"), m=Max("id")).values()),
    )
    with _cache_lock:
        cached = _cache.get(conflict_id)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    matcher = PartyMatcher(entries_from_database(conflict_id))
    with _cache_lock:
        _cache[conflict_id] = (stamp, matcher)
    return matcher
