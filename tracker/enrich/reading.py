"""What the statement rules read: a language's compiled patterns and, while walking a text's
sentences, its mentions (found by bisection, so the walk stays linear), the party last heard
from and the side the report is mostly about."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from tracker.enrich import lexicon
from tracker.enrich.languages import LanguagePack, pack
from tracker.enrich.lexicon import compiled
from tracker.enrich.types import Mention, PartyEntry, SideInfo
from tracker.text.normalise import lower_same_length

NEVER = r"(?!x)x"  # matches nothing: a field a pack leaves empty


@dataclass(frozen=True)
class Patterns:
    verbs: re.Pattern[str]
    preps: re.Pattern[str]
    post_preps: re.Pattern[str]
    anaphora: re.Pattern[str]
    speakers: re.Pattern[str]
    clause: re.Pattern[str]
    joint: re.Pattern[str]
    channels: tuple[tuple[str, re.Pattern[str]], ...]
    order: str
    code: str

    @property
    def sov(self) -> bool:
        return self.order == "sov"


def _words(alternation: str) -> re.Pattern[str]:
    return compiled(rf"(?<!\w)(?:{alternation or NEVER})(?!\w)")


@lru_cache(maxsize=64)
def patterns(language: str) -> Patterns:
    found: LanguagePack | None = pack(language)
    # No pack: only the language-independent cues (signed quotes, "Party: …" headlines).
    source = found or LanguagePack(code="", verbs="")
    return Patterns(
        verbs=_words(source.verbs),
        preps=_words(source.preps),
        post_preps=_words(source.post_preps),
        anaphora=_words(source.anaphora),
        speakers=_words(source.speakers),
        clause=_words(source.clause_words),
        joint=compiled(lexicon.JOINT_SPEECH),
        channels=tuple((name, compiled(rx)) for name, rx in lexicon.CHANNELS),
        order=source.order,
        code=source.code,
    )


class Context:
    """What the resolver needs while walking the sentences in order."""

    def __init__(self, text: str, mentions: Sequence[Mention], sides: Sequence[SideInfo]) -> None:
        self.text = text
        self.lowered = lower_same_length(text)
        self.mentions = mentions
        self.starts = [m.start for m in mentions]
        self.sides = sides
        self.last_party: PartyEntry | None = None
        self.language = ""
        counts = Counter(
            m.party.side for m in mentions if m.party.side and m.party.side.belligerent
        )
        self.main_side = counts.most_common(1)[0][0] if counts else None

    def between(self, start: int, end: int) -> list[Mention]:
        """Mentions starting in [START, END), by bisection."""
        i = bisect_left(self.starts, start)
        j = bisect_left(self.starts, end, lo=i)
        return list(self.mentions[i:j])

    def last_before(self, position: int) -> PartyEntry | None:
        i = bisect_left(self.starts, position)
        while i > 0:
            i -= 1
            if self.mentions[i].end <= position:
                return self.mentions[i].party
        return None
