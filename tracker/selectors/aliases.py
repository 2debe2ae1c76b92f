"""Reads of the conflict set-up pages: a conflict's sides, parties and aliases, and where its
aliases would match a pasted text. The matching is enrichment's own (tracker.enrich.parties),
fed with this conflict's parties, so the test box shows what enrichment will find."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from tracker.enrich.parties import PartyMatcher, with_side_words
from tracker.enrich.types import Mention, PartyEntry, SideInfo
from tracker.enums import SideRole
from tracker.models import Alignment, Conflict, Party, Side


@dataclass(frozen=True)
class Segment:
    """A run of the pasted text: plain, or an alias match with the party it resolves to."""

    text: str
    mention: Mention | None = None


def conflicts_to_set_up() -> list[Conflict]:
    """Every conflict, by name, for the set-up list."""
    return list(Conflict.objects.order_by("name"))


def conflict_setup(*, conflict: Conflict) -> list[Side]:
    """CONFLICT's sides (belligerents first), each with its parties and their aliases
    prefetched: three queries whatever the size."""
    return list(
        Side.objects.filter(conflict=conflict)
        .order_by("role", "name")
        .prefetch_related(
            Prefetch(
                "alignments",
                queryset=Alignment.objects.select_related("party")
                .prefetch_related("party__aliases")
                .order_by("party__name"),
            )
        )
    )


def conflict_parties(*, conflict: Conflict) -> list[Party]:
    """The parties aligned with a side of CONFLICT, by name."""
    return list(Party.objects.filter(alignments__side__conflict=conflict).order_by("name"))


def conflict_party_entries(*, conflict: Conflict) -> list[PartyEntry]:
    """CONFLICT's parties as enrichment's matcher takes them: each alias, plus the party's
    name and short name, with the side it speaks for."""
    entries = []
    for side in conflict_setup(conflict=conflict):
        info = SideInfo(
            name=side.name,
            country_code=side.country_code,
            belligerent=side.role == SideRole.BELLIGERENT,
            id=side.pk,
            conflict_id=side.conflict_id,
        )
        for alignment in side.alignments.all():
            party = alignment.party
            aliases = [(a.text, a.language, a.is_metonym) for a in party.aliases.all()]
            aliases.append((party.name, "en", False))
            if party.short_name:
                aliases.append((party.short_name, "en", False))
            entries.append(
                PartyEntry(
                    name=party.name,
                    aliases=tuple(aliases),
                    side=info,
                    kind=party.kind,
                    id=party.pk,
                )
            )
    return with_side_words(entries)


def alias_matches(*, conflict: Conflict, text: str) -> tuple[list[Segment], list[Mention]]:
    """TEXT cut into plain runs and alias matches, and the matches, as enrichment's matcher
    finds them with CONFLICT's parties."""
    mentions = PartyMatcher(conflict_party_entries(conflict=conflict)).find(text)
    segments: list[Segment] = []
    at = 0
    for mention in mentions:
        if mention.start > at:
            segments.append(Segment(text[at : mention.start]))
        segments.append(Segment(text[mention.start : mention.end], mention))
        at = mention.end
    if at < len(text):
        segments.append(Segment(text[at:]))
    return segments, mentions
