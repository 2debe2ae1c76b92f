"""The demo conflict's parties and sides: the rows (aliases in parties.json) that the demo
loads into the database and that the database-free enrichment matcher reads."""

import json
from pathlib import Path

from tracker.enums import PartyKind, SideRole
from tracker.models import Alignment, Conflict, Party, PartyAlias, Side

# (name, short name, kind, country, side, aliases as (text, language, is_metonym)), kept as
# data in parties.json. A side's ministry comes last among its parties: the demo's statements
# are the ministries'.
PARTIES = [
    (
        row["name"],
        row["short_name"],
        PartyKind(row["kind"]),
        row["country"],
        row["side"],
        [(text, language, metonym) for text, language, metonym in row["aliases"]],
    )
    for row in json.loads((Path(__file__).parent / "parties.json").read_text(encoding="utf-8"))
]
SIDES = [
    ("Armenia", SideRole.BELLIGERENT, "AM"),
    ("Azerbaijan", SideRole.BELLIGERENT, "AZ"),
    ("Russia", SideRole.THIRD_PARTY, "RU"),
    ("CSTO", SideRole.THIRD_PARTY, ""),
]


def demo_parties(conflict: Conflict) -> dict[str, Party]:
    """The demo's sides of CONFLICT and their parties with aliases (created once, then left
    as they are); side name → the side's last party, its ministry."""
    sides = {}
    for name, role, country in SIDES:
        sides[name], _ = Side.objects.get_or_create(
            conflict=conflict, name=name, defaults={"role": role, "country_code": country}
        )
    parties = {}
    for name, short, kind, country, side_name, aliases in PARTIES:
        party, _ = Party.objects.get_or_create(
            name=name, defaults={"short_name": short, "kind": kind, "country_code": country}
        )
        Alignment.objects.get_or_create(party=party, side=sides[side_name])
        for text, language, metonym in aliases:
            if not party.aliases.filter(text__iexact=text).exists():
                PartyAlias.objects.create(
                    party=party, text=text, language=language, is_metonym=metonym
                )
        parties[side_name] = party
    return parties
