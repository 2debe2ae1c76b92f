from tracker.enums import SideRole
from tracker.models import Conflict, Party, Side


def party_side(*, party: Party, conflict: Conflict) -> Side | None:
    """The side PARTY speaks for in CONFLICT, or None if it is not aligned there."""
    return Side.objects.filter(conflict=conflict, alignments__party=party).first()


def party_sides_by_id(*, conflict: Conflict) -> dict[int, Side]:
    """Party id → side, for every aligned party of CONFLICT, in one query."""
    return conflict_sides(conflict=conflict)[1]


def conflict_sides(*, conflict: Conflict) -> tuple[list[Side], dict[int, Side]]:
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
