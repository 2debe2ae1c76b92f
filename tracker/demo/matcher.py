"""The demo conflict's parties as an enrichment matcher, without a database (enrich_text,
evaluate_enrichment, tests and benchmarks)."""

from collections.abc import Iterable

from tracker.demo.parties import PARTIES, SIDES
from tracker.enrich.parties import PartyMatcher, with_side_words
from tracker.enrich.types import PartyEntry, SideInfo
from tracker.enums import SideRole


def entries_from_list(rows: Iterable[tuple]) -> list[PartyEntry]:
    """Plain (name, short name, kind, country, side, aliases) rows, the shape of
    tracker.demo.parties.PARTIES, with SIDES rows (name, role, country) for the sides."""
    sides = {
        name: SideInfo(name=name, country_code=country, belligerent=role == SideRole.BELLIGERENT)
        for name, role, country in SIDES
    }
    entries = []
    for name, short, kind, _country, side_name, aliases in rows:
        extra = [(name, "en", False)] + ([(short, "en", False)] if short else [])
        entries.append(
            PartyEntry(
                name=name,
                aliases=tuple((t, lang, m) for t, lang, m in [*aliases, *extra]),
                side=sides.get(side_name),
                kind=str(kind),
            )
        )
    return with_side_words(entries)


def demo_matcher() -> PartyMatcher:
    """The demo conflict's parties without a database (enrich_text, evaluation)."""
    return PartyMatcher(entries_from_list(PARTIES))
