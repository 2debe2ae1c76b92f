"""Step 3: claims by aspect inside each statement, each with its own span.

initiator (who fired first, and which side the speaker blames), timing (→ UTC interval and
precision), location (named places, "eastern area of the border", "three areas"), casualties
(numbers in digits or words, killed or wounded, whose side; "more than 200" is a minimum),
means (weapons, shelling, drones), damage (material losses: vehicles, aircraft, buildings,
infrastructure; with a count where one is given) and retaliation.

Casualty and damage words come from every language pack (reports quote across languages);
number words from the report's own language and English. Side words ("Azerbaijani units")
come from the data: see parties.with_side_words."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from tracker.enrich import lexicon
from tracker.enrich.languages import merged, pack, union
from tracker.enrich.timing import country_zone, find_dates, find_time
from tracker.enrich.types import ClaimProposal, Mention, SideInfo, StatementProposal
from tracker.enums import Aspect
from tracker.text.normalise import lower_same_length

CLAUSE_STOP = ',;:.!?\n“”«»"()[]'


@lru_cache(maxsize=32)
def _number_words(language: str) -> dict[str, int]:
    # English and the report's own language only: "on" is ten in Turkish, "un" one in French.
    words: dict[str, int] = {}
    for found in (pack("en"), pack(language)):
        if found is not None:
            words.update(found.numbers)
    return words


@lru_cache(maxsize=32)
def _rx(language: str = "en") -> dict[str, re.Pattern[str]]:
    numbers = _number_words(language)
    own = pack(language)
    # Weapons in the report's own language only: across languages short words over-match.
    own_means = f"|{own.means}" if own and own.means else ""
    number_words = "|".join(
        sorted(map(re.escape, [*numbers, *lexicon.VAGUE_NUMBERS]), key=len, reverse=True)
    )
    return {
        "initiator": lexicon.compiled(f"{lexicon.INITIATOR}|{union('initiator')}"),
        "retaliation": lexicon.compiled(lexicon.RETALIATION),
        "responsibility": lexicon.compiled(rf"(?<!\w)(?:{union('responsibility')})"),
        "denial": lexicon.compiled(rf"(?<!\w)(?:{union('denial')})(?!\w)"),
        "means": lexicon.compiled(rf"(?<!\w)(?:{lexicon.MEANS}{own_means})"),
        "location": re.compile("|".join(f"(?:{rx})" for rx in lexicon.LOCATION)),
        "killed": lexicon.compiled(rf"(?<!\w)(?:{lexicon.KILLED}|{union('killed')})(?!\w)"),
        "wounded": lexicon.compiled(rf"(?<!\w)(?:{lexicon.WOUNDED}|{union('wounded')})(?!\w)"),
        "damage": lexicon.compiled(rf"(?<!\w)(?:{union('damage')})(?!\w)"),
        "none": lexicon.compiled(lexicon.NONE_CASUALTIES),
        "number": lexicon.compiled(
            rf"(?<![\w.,])(?:\d{{1,3}}(?:[ ,]\d{{3}})+|\d+|{number_words})(?!\w)"
        ),
        "at_least": lexicon.compiled(lexicon.AT_LEAST),
    }


# Where a statement names a side: (offset, side), in text order.
Named = list[tuple[int, SideInfo]]
# The language's compiled patterns, by what they find (_rx).
Patterns = dict[str, re.Pattern[str]]


@lru_cache(maxsize=256)
def _side_rx(words: tuple[str, ...], name: str) -> re.Pattern[str]:
    stems = [*words, lower_same_length(name)] if name else list(words)
    alternation = "|".join(sorted(map(re.escape, stems), key=len, reverse=True))
    # Arabic and Hebrew write the article and conjunctions onto the word ("الإسرائيلي").
    return lexicon.compiled(rf"(?<!\w)(?:[وفبلك]?ال|[והבלמשכ])?(?:{alternation})\w*")


def side_words(text: str, start: int, end: int, sides: Sequence[SideInfo]) -> Named:
    """Where the text names a side ("Azerbaijani units", "Armenia's forces", "армянские")."""
    found: Named = []
    for side in sides:
        rx = _side_rx(side.words, side.name)
        found.extend((m.start(), side) for m in rx.finditer(text, start, end))
    return sorted(found, key=lambda x: x[0])


def _clause(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    while lo < start and text[start - 1] not in CLAUSE_STOP:
        start -= 1
    while end < hi and text[end] not in CLAUSE_STOP:
        end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _claim(
    text: str, index: int, aspect: Aspect, start: int, end: int, **values: object
) -> ClaimProposal:
    excerpt = text[start:end]
    return ClaimProposal(
        statement=index,
        aspect=str(aspect),
        start=start,
        end=end,
        excerpt=excerpt,
        text=excerpt[:1].upper() + excerpt[1:],
        values=values,
    )


def find_claims(
    text: str,
    statements: Sequence[StatementProposal],
    sides: Sequence[SideInfo],
    *,
    reference: date | None,
    language: str = "en",
    lowered: str | None = None,
    mentions: Sequence[Mention] = (),
) -> list[ClaimProposal]:
    """MENTIONS (the parties named, in text order) name sides too: "blamed the ELN" accuses
    the ELN's side even where no side word ("Azerbaijani") is used."""
    lowered = lowered if lowered is not None else lower_same_length(text)
    rx = _rx(language)
    numbers = _number_words(language)
    claims: list[ClaimProposal] = []
    party_dates: dict[str, date] = {}
    spans: set[tuple[int, int]] = set()
    starts = [m.start for m in mentions]
    for index, statement in enumerate(statements):
        lo, hi = statement.start, statement.end
        if (lo, hi) in spans:  # a second speaker of the same sentence: its claims are taken
            continue
        spans.add((lo, hi))
        first = len(claims)
        own = statement.party.side
        named = side_words(lowered, lo, hi, sides)
        first_mention = bisect_left(starts, lo)
        named += [
            (m.start, m.party.side)
            for m in mentions[first_mention : bisect_left(starts, hi, lo=first_mention)]
            if m.party.side is not None
        ]
        named.sort(key=lambda x: x[0])
        span = _Span(text, lowered, index, lo, hi, own, named)
        claims.extend(_initiator(span, rx))
        zone = country_zone(own.country_code) if own and own.country_code else ""
        dates = find_dates(lowered, lo, hi, reference)
        if dates:
            party_dates[statement.party.name] = dates[0][1]
        anchor = party_dates.get(statement.party.name, reference)
        found = find_time(
            text, statement.content_start or lo, hi, timezone=zone, anchor=anchor, lowered=lowered
        )
        if found is not None:
            claims.append(
                _claim(
                    text,
                    index,
                    Aspect.TIMING,
                    found.start,
                    found.end,
                    time_start=found.utc_start.isoformat() if found.utc_start else None,
                    time_end=found.utc_end.isoformat() if found.utc_end else None,
                    time_precision=found.precision,
                    local=found.local,
                )
            )
        claims.extend(_location(text, index, lo, hi, rx))
        claims.extend(_casualties(span, rx, numbers))
        claims.extend(_means(text, index, lo, hi, rx))
        claims.extend(_damage(span, rx, numbers))
        retaliation = rx["retaliation"].search(lowered, lo, hi)
        if retaliation:
            start, end = _clause(text, retaliation.start(), retaliation.end(), lo, hi)
            claims.append(_claim(text, index, Aspect.RETALIATION, start, end))
        if len(claims) == first and rx["denial"].search(lowered, lo, hi):
            claims.append(_other(text, index, statement))
    return claims


@dataclass(frozen=True)
class _Span:
    """One statement read for claims: its bounds in TEXT, the speaker's side and the sides
    named in it; what every aspect rule reads."""

    text: str
    lowered: str
    index: int
    lo: int
    hi: int
    own: SideInfo | None
    named: Named

    def parts(self) -> tuple[str, str, int, int, int, SideInfo | None, Named]:
        return self.text, self.lowered, self.index, self.lo, self.hi, self.own, self.named


OTHER_MAX = 300


def _other(text: str, index: int, statement: StatementProposal) -> ClaimProposal:
    """A denial that names no aspect ("Hamas denied the report"): the statement's content
    after the reporting cue, for the editor to keep or dismiss. Other statements with no aspect
    propose no claim: on the dev set an "other" for each cost more precision than it gained."""
    start = statement.content_start or statement.start
    if start == statement.start and statement.cue:
        at = text.find(statement.cue, statement.start, statement.end)
        start = at + len(statement.cue) if at >= 0 and at - statement.start < 80 else start
    while start < statement.end and not text[start].isalnum():
        start += 1
    end = min(statement.end, start + OTHER_MAX)
    return _claim(text, index, Aspect.OTHER, start, max(end, start))


def _initiator(span: _Span, rx: Patterns) -> list[ClaimProposal]:
    text, lowered, index, lo, hi, own, named = span.parts()
    responsibility = rx["responsibility"].search(lowered, lo, hi)
    if responsibility and own is not None:  # a claim of responsibility accuses its speaker
        start, end = _clause(text, responsibility.start(), responsibility.end(), lo, hi)
        return [_claim(text, index, Aspect.INITIATOR, start, end, accused_side=own.name)]
    for cue in rx["initiator"].finditer(lowered, lo, hi):
        others = [
            (abs(pos - cue.start()), side)
            for pos, side in named
            if side != own and side.belligerent
        ]
        if not others:
            continue
        accused = min(others, key=lambda x: x[0])[1]
        start, end = _clause(text, cue.start(), cue.end(), lo, hi)
        return [_claim(text, index, Aspect.INITIATOR, start, end, accused_side=accused.name)]
    return []


def _location(text: str, index: int, lo: int, hi: int, rx: Patterns) -> list[ClaimProposal]:
    matches = [m for m in rx["location"].finditer(text, lo, hi) if not _is_time_word(m.group())]
    if not matches:
        return []
    start, end = min(m.start() for m in matches), max(m.end() for m in matches)
    places = "; ".join(dict.fromkeys(" ".join(m.group().split()) for m in matches))
    return [_claim(text, index, Aspect.LOCATION, start, end, place=places[:300])]


def _is_time_word(phrase: str) -> bool:
    first = phrase.split()[0].lower().strip(",")
    return first in merged("months") or first in lexicon.WEEKDAYS


def _means(text: str, index: int, lo: int, hi: int, rx: Patterns) -> list[ClaimProposal]:
    matches = list(rx["means"].finditer(text, lo, hi))
    if not matches:
        return []
    start, end = _clause(text, matches[0].start(), matches[0].end(), lo, hi)
    end = max(end, matches[-1].end())
    means = ", ".join(dict.fromkeys(m.group().lower() for m in matches))
    return [_claim(text, index, Aspect.MEANS, start, end, means=means)]


def _damage(span: _Span, rx: Patterns, numbers: dict[str, int]) -> list[ClaimProposal]:
    """Material losses: what was destroyed or hit, with a count where the text gives one
    ("struck two Israeli military vehicles, as well as a tank"), and whose it was."""
    text, lowered, index, lo, hi, own, named = span.parts()
    matches = list(rx["damage"].finditer(lowered, lo, hi))
    if not matches:
        return []
    start, end = _clause(text, matches[0].start(), matches[0].end(), lo, hi)
    end = max(end, _clause(text, matches[-1].start(), matches[-1].end(), lo, hi)[1])
    values: dict[str, object] = {"damage": ", ".join(dict.fromkeys(m.group() for m in matches))}
    number = _number_near(lowered, matches[0], start, end, rx, numbers)
    if number is not None:
        values["damage_count"] = number[0]
    side = _nearest_side(named, matches[0].start(), own, lowered, start, end)
    values["damage_side"] = side
    return [_claim(text, index, Aspect.DAMAGE, start, end, **values)]


def _casualties(span: _Span, rx: Patterns, numbers: dict[str, int]) -> list[ClaimProposal]:
    text, lowered, index, lo, hi, own, named = span.parts()
    claims = []
    nothing: list[tuple[int, int]] = []
    for match in rx["none"].finditer(lowered, lo, hi):
        nothing.append(match.span())
        side = _nearest_side(named, match.start(), own, lowered, lo, hi)
        start, end = _clause(text, match.start(), match.end(), lo, hi)
        claims.append(
            _claim(
                text,
                index,
                Aspect.CASUALTIES,
                start,
                end,
                killed_min=0,
                killed_max=0,
                casualty_side=side,
            )
        )
    for kind in ("killed", "wounded"):
        for match in rx[kind].finditer(lowered, lo, hi):
            if any(a <= match.start() < b for a, b in nothing):
                continue  # inside "no losses"
            c_start, c_end = _clause(text, match.start(), match.end(), lo, hi)
            # "22 were killed and 38 injured", "killed 7, wounded 29": one claim, two figures.
            joined = _joinable(claims, kind, c_start)
            number = _number_near(lowered, match, c_start, c_end, rx, numbers)
            values: dict[str, object] = {}
            if number is not None:
                low, high, n_start = number
                sentence_has_min = rx["at_least"].search(
                    lowered, max(c_start, n_start - 20), n_start
                )
                not_final = re.search(r"не окончательн|not (?:a )?final", lowered[lo:hi])
                if sentence_has_min or not_final:
                    high = None
                values = {f"{kind}_min": low, f"{kind}_max": high}
            if joined is not None:
                _extend(text, joined, c_start, c_end, values)
                continue
            side = _nearest_side(named, match.start(), own, lowered, c_start, c_end)
            claims.append(
                _claim(text, index, Aspect.CASUALTIES, c_start, c_end, casualty_side=side, **values)
            )
    return claims


MERGE_GAP = 40  # characters between the killed and the wounded of one account


def _joinable(claims: list[ClaimProposal], kind: str, start: int) -> ClaimProposal | None:
    for claim in claims:
        if claim.start <= start < claim.end:  # the same clause
            return claim
        near = claim.start - MERGE_GAP <= start <= claim.end + MERGE_GAP
        if near and f"{kind}_min" not in claim.values and claim.values.get("killed_max") != 0:
            return claim
    return None


def _extend(
    text: str, claim: ClaimProposal, start: int, end: int, values: dict[str, object]
) -> None:
    claim.start, claim.end = min(claim.start, start), max(claim.end, end)
    claim.excerpt = text[claim.start : claim.end]
    claim.text = claim.excerpt[:1].upper() + claim.excerpt[1:]
    claim.values.update(values)


def _number_near(
    lowered: str,
    cue: re.Match[str],
    lo: int,
    hi: int,
    patterns: dict[str, re.Pattern[str]],
    numbers: dict[str, int],
) -> tuple[int, int | None, int] | None:
    rx = patterns["number"]
    before = [m for m in rx.finditer(lowered, max(lo, cue.start() - 50), cue.start())]
    after = [m for m in rx.finditer(lowered, cue.end(), min(hi, cue.end() + 20))]
    match = before[-1] if before else (after[0] if after else None)
    if match is None:
        return None
    word = match.group()
    if word in lexicon.VAGUE_NUMBERS:
        low, high = lexicon.VAGUE_NUMBERS[word]
        return low, high, match.start()
    value = int(re.sub(r"[ ,]", "", word)) if word[0].isdigit() else numbers[word]
    return value, value, match.start()


def _nearest_side(
    named: Named, position: int, own: SideInfo | None, lowered: str, lo: int, hi: int
) -> str | None:
    near = [(abs(pos - position), side) for pos, side in named if lo <= pos < hi]
    if near:
        return min(near, key=lambda x: x[0])[1].name
    return own.name if own else None
