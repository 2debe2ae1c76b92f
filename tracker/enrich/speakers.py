"""New-party proposals: a speaker the text names that is no configured party ("the Israeli
health ministry", "Nagorno-Karabakh's military", "المتحدث العسكري الإسرائيلي"), with its span and
the side its words name, for the editor to map to a party."""

from __future__ import annotations

import re

from tracker.enrich.claims import side_words
from tracker.enrich.reading import Context, Patterns
from tracker.enrich.types import PartyEntry, SideInfo

SPEAKER_WORDS = 8  # a speaker phrase is short: "the Kremlin spokesman Dmitry Peskov"
PRONOUNS = frozenset({"he", "she", "it", "they", "we", "i", "you", "this", "that", "there"})
# Determiners a speaker phrase may open with, dropped from its span.
ARTICLES = frozenset({"the", "a", "an", "its", "their", "his", "her", "le", "la", "les", "l'"})
# "министерства иностранных дел Германии заявил": a name after the noun makes it no anaphor.
NAME_AFTER = re.compile(r"\s[A-ZА-ЯЁΑ-Ω][\w-]+")
CLAUSE_MARKS = re.compile(r"[,;:()\[\]“”\"«»„\n.!?|،#]")


def new_before(context: Context, s_start: int, cue_start: int, rx: Patterns) -> PartyEntry | None:
    """A speaker phrase before the verb that names no configured party: the words of the
    clause up to the verb ("the Kremlin spokesman said", "Nagorno-Karabakh's military said")."""
    text = context.text
    start = s_start
    for mark in CLAUSE_MARKS.finditer(text, s_start, cue_start):
        start = mark.end()
    if rx.sov:  # the subject opens the clause: cut after its speaker noun and the name after it
        noun = rx.speakers.search(text, start, cue_start)
        if noun is None:
            return None
        end = noun.end()
        name = re.match(r"(?:\s+[^\W\d_][\w'’-]*){0,3}", text[end:cue_start])
        return new_party(context, start, end + (name.end() if name else 0), rx)
    for word in rx.clause.finditer(text, start, cue_start):
        start = word.end()
    return new_party(context, start, cue_start, rx)


def new_after(context: Context, start: int, end: int, rx: Patterns) -> PartyEntry | None:
    """A speaker phrase after an inverted verb or a preposition: "…,” said the Kremlin
    spokesman", "according to Taliban officials", "قال المتحدث باسم …"."""
    text = context.text
    stop = CLAUSE_MARKS.search(text, start, end)
    limit = stop.start() if stop else end
    word = rx.clause.search(text, start, limit)
    return new_party(context, start, word.start() if word else limit, rx)


def new_party(context: Context, start: int, end: int, rx: Patterns) -> PartyEntry | None:
    text = context.text
    words = list(re.finditer(r"[^\s]+", text[start:end]))
    if not words:
        return None
    words = words[-SPEAKER_WORDS:] if rx.order != "vso" else words[:SPEAKER_WORDS]
    while words and words[0].group().lower().strip("'’") in ARTICLES:
        words = words[1:]
    if not words:
        return None
    p_start, p_end = start + words[0].start(), start + words[-1].end()
    phrase = text[p_start:p_end]
    tokens = phrase.split()
    if tokens[0].lower() in PRONOUNS:
        return None
    named = rx.speakers.search(phrase) is not None
    proper = len(tokens) <= 4 and all(t[0].isupper() for t in tokens if t[0].isalpha())
    if not named and not (proper and any(t[0].isupper() for t in tokens)):
        return None
    side = side_named(context, p_start, p_end)
    if side is None and named:
        # "Officials said", "security sources": the side the report is mostly about.
        side = context.main_side
    if side is None:  # a speaker of no side is no party to the conflict (a foreign leader)
        return None
    return PartyEntry(
        name=phrase,
        aliases=(),
        side=side,
        kind="new",
        new=True,
        span=(p_start, p_end),
    )


def side_named(context: Context, start: int, end: int) -> SideInfo | None:
    """The side a new speaker's words name ("the Israeli military" → Israel), if exactly one."""
    sides = [side for side in context.sides if side.belligerent]
    named = {side for _, side in side_words(context.lowered, start, end, sides)}
    return named.pop() if len(named) == 1 else None
