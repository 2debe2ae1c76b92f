from tracker.enums import SideRole
from tracker.models import Conflict, Party, Side


def party_side(*, party: Party, conflict: Conflict) -> Side | None:
    """The side PARTY speaks for in CONFLICT, or None if it is not aligned there."""
    return Side.objects.filter(conflict=conflict, alignments__party=party).first()


def party_sides_by_id(*, conflict: Conflict) -> dict[int, Side]:
    """Party id → side, for every aligned party of CONFLICT, in one query."""
    sides: dict[int, Side] = {}
    for side in Side.objects.filter(conflict=conflict).prefetch_related("alignments"):
        for alignment in side.alignments.all():
            sides[alignment.party_id] = side
    return sides


def sides_countries(conflict: Conflict | None = None) -> set[str]:
    """Country codes of the belligerent sides of CONFLICT (of every conflict when None): where a
    map of its incidents should look when none is located yet."""
    sides = Side.objects.filter(role=SideRole.BELLIGERENT).exclude(country_code="")
    if conflict is not None:
        sides = sides.filter(conflict=conflict)
    return set(sides.values_list("country_code", flat=True))
