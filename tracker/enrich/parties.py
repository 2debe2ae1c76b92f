"""Step 1: recognise parties by their aliases.

Aliases come from the data (PartyAlias, plus each party's name and short name, read by
tracker.selectors.parties.database_matcher), so editors extend recognition without code. The
matcher copes with what a reader copes with: case, "Defence" or "Defense", possessives
("Armenia's Defense Ministry"), the inflected forms of Russian, Armenian, Azerbaijani and Turkish
("Минобороны Армении", "Bakü'nün", "նախարարությունը"). Overlapping matches
resolve to the longest, so "Armenia's Defense Ministry" is the ministry, not the country."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace

from tracker.enrich.languages import union
from tracker.enrich.lexicon import compiled
from tracker.enrich.types import Mention, PartyEntry, SideInfo
from tracker.text.normalise import lower_same_length

CYRILLIC = re.compile(r"[\u0400-\u04FF]")
ARMENIAN = re.compile(r"[\u0531-\u0587]")
ARABIC = re.compile(r"[\u0600-\u06FF]")
HEBREW = re.compile(r"[\u0590-\u05FF]")
# Proclitics written onto the next word: "وحماس" (and Hamas), "לצה״ל" (to the IDF). A name may
# stand right after one of them as well as after a space.
START = {
    "arabic": r"(?:(?<![\w-])|(?<=(?<!\w)[وفبلك])|(?<=(?<!\w)ال)|(?<=(?<!\w)[وفبلك]ال))",
    "hebrew": r"(?:(?<![\w-])|(?<=(?<!\w)[והבלמשכ])|(?<=(?<!\w)[והבלמשכ]ה))",
}
PROCLITICS = "وفبلكوהבלמשכ"
# Endings a word may take in the languages that inflect names. The alias's own final vowel is
# dropped first ("Армения" → "Армени" + "и/ю/ей").
ENDINGS = {
    "cyrillic": r"[а-яёіїєґ]{0,3}",
    "armenian": r"[\u0561-\u0587]{0,4}",
    "turkic": r"(?:['’]?[a-zçğıöşüə]{1,5})?",
}
VOWELS = "аеёиоуыэюяйь"


def _word_pattern(word: str, family: str) -> str:
    if family == "cyrillic" and len(word) > 4 and word[-1] in VOWELS:
        return re.escape(word[:-1]) + ENDINGS["cyrillic"]
    if family in ENDINGS and len(word) > 3:
        return re.escape(word) + ENDINGS[family]
    escaped = re.escape(word).replace("'", "['’]")
    # Spelling variants a reader treats as the same word.
    return escaped.replace("defence", "defen[cs]e").replace("defense", "defen[cs]e")


def _alias_regex(text: str, language: str) -> re.Pattern[str]:
    lowered = lower_same_length(text.strip())
    if CYRILLIC.search(lowered):
        family = "cyrillic"
    elif ARMENIAN.search(lowered):
        family = "armenian"
    elif ARABIC.search(lowered):
        family = "arabic"
    elif HEBREW.search(lowered):
        family = "hebrew"
    elif language.split("-")[0] in ("az", "tr"):
        family = "turkic"
    else:
        family = "english"
    words = re.split(r"[\s\-]+", lowered.replace("’", "'"))
    parts = [_word_pattern(word, family) for word in words if word]
    body = r"[\s\-]+".join(parts)
    possessive = r"(?:['’]s?)?" if family == "english" else ""
    start = START.get(family, r"(?<![\w-])")
    return re.compile(rf"{start}{body}{possessive}(?![\w])")


WORD_START = re.compile(r"(?<!\w)\w")
PROBE = 3


class PartyMatcher:
    """Finds every party mention in a text. Build once per set of aliases; matching is pure.

    One pass: at each word start (and just after a proclitic) the first letters pick the few
    aliases that can start there, so the time is linear in the text whatever the number of
    aliases."""

    def __init__(self, parties: Sequence[PartyEntry]) -> None:
        self.parties = tuple(parties)
        self._by_probe: dict[str, list[tuple[re.Pattern[str], PartyEntry, bool]]] = {}
        seen: set[tuple[str, str]] = set()
        for party in self.parties:
            for text, language, metonym in party.aliases:
                key = (lower_same_length(text.strip()), party.name)
                if not text.strip() or key in seen:
                    continue
                seen.add(key)
                entry = (_alias_regex(text, language), party, metonym)
                self._by_probe.setdefault(key[0][:PROBE], []).append(entry)
        self._lengths = sorted({len(probe) for probe in self._by_probe}, reverse=True)
        self._narrowed: dict[int, PartyMatcher] = {}
        self.conflict_ids = frozenset(
            p.side.conflict_id for p in self.parties if p.side and p.side.conflict_id is not None
        )

    def find(self, text: str) -> list[Mention]:
        lowered = lower_same_length(text)
        found: list[Mention] = []
        for word in WORD_START.finditer(lowered):
            first = word.start()
            # After proclitics ("و", "ال", "وال", "ה") the name may start up to three letters in.
            extra = 4 if lowered[first] in PROCLITICS else 1
            for position in range(first, first + extra):
                for length in self._lengths:
                    for pattern, party, metonym in self._by_probe.get(
                        lowered[position : position + length], ()
                    ):
                        match = pattern.match(lowered, position)
                        if match:
                            start, end = match.span()
                            found.append(Mention(party, start, end, text[start:end], metonym))
        found.sort(key=lambda m: (m.start, -(m.end - m.start), m.metonym))
        chosen: list[Mention] = []
        for mention in found:
            if chosen and mention.start < chosen[-1].end:
                continue
            chosen.append(mention)
        return chosen

    def conflicts(self, mentions: Sequence[Mention]) -> Counter[int]:
        """How often each conflict's belligerent parties are named among MENTIONS."""
        named = Counter(m.party.name for m in mentions)
        counts: Counter[int] = Counter()
        for party in self.parties:
            side = party.side
            if side and side.belligerent and side.conflict_id is not None:
                counts[side.conflict_id] += named[party.name]
        return +counts

    def for_conflict(self, conflict_id: int) -> PartyMatcher:
        """The parties of one conflict only (cached): a report is read in the conflict it
        names most, so a party of two conflicts speaks for its side in that one."""
        if conflict_id not in self._narrowed:
            self._narrowed[conflict_id] = PartyMatcher(
                [p for p in self.parties if p.side and p.side.conflict_id == conflict_id]
            )
        return self._narrowed[conflict_id]

    def by_name(self, name: str) -> PartyEntry | None:
        return next((p for p in self.parties if p.name == name), None)


# Letters and the combining vowel signs of Indic scripts, which \w leaves out.
NAME_WORD = re.compile(r"(?:[^\W\d_]|[\u0900-\u0dff]){4,}")
CYRILLIC_ENDING = re.compile(r"[аеёиоуыэюяйь]{1,2}$")


def _stems(alias: str) -> set[str]:
    stems = set()
    for word in NAME_WORD.findall(lower_same_length(alias)):
        stem = CYRILLIC_ENDING.sub("", word) if CYRILLIC.search(word) else word
        if len(stem) >= 4:
            stems.add(stem)
    return stems


def with_side_words(entries: Sequence[PartyEntry]) -> list[PartyEntry]:
    """Give each side the words a reader names it by, taken from its name and its parties'
    aliases ("Armenian side" → "armenian…", "Израиль" → "израил…"): the words that belong to one
    side only and are not grammar ("ministry", "army": the packs' speaker nouns)."""
    grammar = compiled(rf"(?:{union('speakers')})\w*")
    by_side: dict[SideInfo, set[str]] = {}
    for entry in entries:
        if entry.side is None:
            continue
        words = by_side.setdefault(entry.side, _stems(entry.side.name))
        for text, _language, _metonym in entry.aliases:
            words |= _stems(text)
    # A word two sides of one conflict share names neither.
    counts = Counter((side.conflict_id, word) for side, words in by_side.items() for word in words)
    sides = {
        side: replace(
            side,
            words=tuple(
                sorted(
                    w
                    for w in words
                    if counts[(side.conflict_id, w)] == 1 and not grammar.fullmatch(w)
                )
            ),
        )
        for side, words in by_side.items()
    }
    return [replace(e, side=sides[e.side]) if e.side else e for e in entries]


def common_country(parties: Iterable[dict]) -> str:
    """A side's country when the file gives none: the country most of its parties share."""
    countries = Counter((p.get("country") or "").upper() for p in parties)
    countries.pop("", None)
    if not countries:
        return ""
    country, count = countries.most_common(1)[0]
    return country if count * 2 >= sum(countries.values()) else ""


def entries_from_conflicts(data: list[dict]) -> list[PartyEntry]:
    """The parties of a conflicts file (the import_conflict shape) without a database: the
    same entries the database gives after `manage.py import_conflict FILE`. Third parties speak
    for a side of their own, not a belligerent one."""
    entries = []
    for number, conflict in enumerate(data, start=1):
        groups = [
            (side, side.get("role") or "belligerent", side.get("parties", []))
            for side in conflict["sides"]
        ]
        groups += [
            ({"name": p["name"], "country": p.get("country")}, "third_party", [p])
            for p in conflict.get("third_parties", [])
        ]
        for side_data, role, parties in groups:
            side = SideInfo(
                name=side_data["name"],
                country_code=(side_data.get("country") or common_country(parties)).upper(),
                belligerent=role == "belligerent",
                conflict_id=number,
            )
            for party in parties:
                aliases = [
                    (a["text"], a.get("language") or "", bool(a.get("metonym")))
                    for a in party.get("aliases", [])
                ]
                aliases.append((party["name"], "en", False))
                if party.get("short_name"):
                    aliases.append((party["short_name"], "en", False))
                entries.append(
                    PartyEntry(
                        name=party["name"],
                        aliases=tuple(aliases),
                        side=side,
                        kind=party.get("kind") or "",
                    )
                )
    return with_side_words(entries)
