"""Step 2: attributed statements — who says what, where the text says it.

A sentence is a statement when it carries a reporting cue from the language's pack ("said",
"according to", "заявило", "قال") and the cue's speaker resolves: the nearest party before the
verb ("Baku said ..."), the party after an inverted verb or a preposition ("..., said the
ministry", "according to X"), the party before a postposition ("X'e göre"), the first party of
a verb-final sentence, the party after a verb-first one (Arabic), or, for "the ministry" / "it" /
"ведомства", the party last heard from. A speaker that is no configured party ("the Kremlin
spokesman", "Nagorno-Karabakh's military") becomes a new-party proposal with its span, for the
editor to map. Without a pack, the language-independent cues still work: a quotation signed
after a dash, a headline "Party: …". Quoted paragraphs that follow a statement, and paragraphs
inside a quotation left open, continue it.

Linear in the text: mentions are looked up by bisection, never scanned per sentence."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from tracker.enrich.reading import Context, Patterns, patterns
from tracker.enrich.sentences import Sentence, quote_spans
from tracker.enrich.speakers import (
    CLAUSE_MARKS,
    NAME_AFTER,
    PRONOUNS,
    new_after,
    new_before,
    new_party,
)
from tracker.enrich.types import Mention, PartyEntry, SideInfo, StatementProposal

CLOSING_MARKS = "”»\"'’"
OPENING_MARKS = '"“«„'
SAY_VERBS = re.compile(r"said|says|added|stressed|noted|told|stated|announced", re.IGNORECASE)
CONTINUATION_PARAGRAPHS = 6
HEADING_MAX = 160
HEADING_PARAGRAPHS = 4  # headings and decks open a page
INVERTED_AFTER_QUOTE = 50
AFTER_VERB = 30  # "подтвердила пресс-служба НАТО", "a affirmé M. Gallant"
SUBJECT_GAP = 25  # characters between a subject and its verb ("Hamas swiftly denied")


def find_statements(
    text: str,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    language: str,
    sides: Sequence[SideInfo] = (),
) -> list[StatementProposal]:
    rx = patterns(language)
    context = Context(text, mentions, sides)
    context.language = language
    per_paragraph = Counter(s.paragraph for s in sentences)
    body_paragraphs = len(per_paragraph)
    statements: list[StatementProposal] = []
    last_paragraph = -10
    continuing: StatementProposal | None = None
    for sentence in sentences:
        if body_paragraphs > HEADING_PARAGRAPHS and _is_heading(text, sentence, per_paragraph):
            continue
        quotes = quote_spans(text, sentence.start, sentence.end)
        found = _resolve(context, sentence, quotes, rx)
        if not found:
            continuing = _continue(text, sentence, statements, continuing, last_paragraph)
            if continuing is not None:
                last_paragraph = sentence.paragraph
            continue
        for party, cue, cue_start in found:
            statement = _statement(context, sentence, quotes, rx, party, cue, cue_start)
            statements.append(statement)
            context.last_party = party
        last_paragraph = sentence.paragraph
        # A quotation still open at the end of its paragraph goes on in the next ones.
        continuing = statement if statement.quote and _unclosed(text, statement.quote) else None
    return statements


def _statement(
    context: Context,
    sentence: Sentence,
    quotes: list[tuple[int, int]],
    rx: Patterns,
    party: PartyEntry,
    cue: str,
    cue_start: int,
) -> StatementProposal:
    text = context.text
    prefix_is_attribution = (
        not rx.sov
        and not any(q_start < cue_start for q_start, _ in quotes)
        and any(m.party == party for m in context.between(sentence.start, cue_start))
    )
    quote = max(quotes, key=lambda q: q[1] - q[0]) if quotes else None
    return StatementProposal(
        party=party,
        start=sentence.start,
        end=sentence.end,
        excerpt=text[sentence.start : sentence.end],
        kind="direct" if quote and quote[1] - quote[0] > 20 else "reported",
        channel=_channel(text, sentence, quotes, rx),
        quote=quote,
        cue=cue,
        content_start=cue_start if prefix_is_attribution else sentence.start,
    )


def _unclosed(text: str, quote: tuple[int, int]) -> bool:
    return text[quote[1] - 1] not in CLOSING_MARKS


def _is_heading(text: str, sentence: Sentence, per_paragraph: Counter[int]) -> bool:
    """A short paragraph with no closing punctuation restates the body: not a statement."""
    if per_paragraph[sentence.paragraph] != 1 or sentence.paragraph >= HEADING_PARAGRAPHS:
        return False
    body = text[sentence.start : sentence.end].rstrip(CLOSING_MARKS)
    return len(body) <= HEADING_MAX and not body.endswith((".", "!", "?", "։", ":"))


def _inside(position: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def _resolve(
    context: Context, sentence: Sentence, quotes: list[tuple[int, int]], rx: Patterns
) -> list[tuple[PartyEntry, str, int]]:
    """Every attribution clause of the sentence, in order: one per speaker ("X said …, while
    Y denied it" is two statements; "X said …, adding …" is one)."""
    text = context.text
    s_start, s_end = sentence.start, sentence.end
    outside = [m for m in context.between(s_start, s_end) if not _inside(m.start, quotes)]
    outside_text = "".join(
        " " * (e - s) if any(s == q[0] for q in quotes) else text[s:e]
        for s, e in _pieces(s_start, s_end, quotes)
    )
    if rx.joint.search(outside_text):
        return []
    signed = _signed(context, sentence, quotes, outside)
    if signed is not None:
        return [signed]
    found: list[tuple[PartyEntry, str, int]] = []
    for cue in rx.preps.finditer(text, s_start, s_end):
        if _inside(cue.start(), quotes):
            continue
        party = _after(context, outside, cue.end(), s_end, rx, clause_only=True)
        party = party or new_after(context, cue.end(), s_end, rx)
        if party is not None:
            found.append((party, cue.group(), cue.start()))
    for cue in rx.post_preps.finditer(text, s_start, s_end):
        if _inside(cue.start(), quotes):
            continue
        party = _before(context, outside, s_start, cue.start(), rx)
        party = party or new_before(context, s_start, cue.start(), rx)
        if party is not None:
            found.append((party, cue.group(), cue.start()))
    for cue in rx.verbs.finditer(text, s_start, s_end):
        if _inside(cue.start(), quotes):
            continue
        party = _speaker_of(context, sentence, outside, cue, rx)
        if party is not None:
            found.append((party, cue.group(), cue.start()))
    found.sort(key=lambda f: f[2])
    distinct: list[tuple[PartyEntry, str, int]] = found[:1]
    for item in found[1:]:
        # A further speaker in the sentence must stand by its own verb ("…, while Y denied"),
        # not be the object of the first one ("X informed Y …, noting").
        if all(item[0].name != kept[0].name for kept in distinct) and _beside(context, item):
            distinct.append(item)
    return distinct


def _beside(context: Context, item: tuple[PartyEntry, str, int]) -> bool:
    party, _cue, at = item
    if party.new:
        return party.span is not None and abs(party.span[1] - at) <= SUBJECT_GAP
    return any(
        m.party.name == party.name and (0 <= at - m.end <= SUBJECT_GAP or 0 <= m.start - at <= 40)
        for m in context.between(max(0, at - 80), at + 40)
    )


def _speaker_of(
    context: Context, sentence: Sentence, outside: list[Mention], cue: re.Match[str], rx: Patterns
) -> PartyEntry | None:
    text, s_start, s_end = context.text, sentence.start, sentence.end
    party = None
    reach = _inverted(text, s_start, cue, rx)
    if reach:
        party = _after(context, outside, cue.end(), s_end, rx, reach=reach)
    if party is None and rx.sov:
        first = [m for m in outside if m.start < cue.start()]
        party = first[0].party if first else _anaphor(context, s_start, cue.end(), rx)
    if party is None and rx.order == "vso" and not text[s_start : cue.start()].strip():
        party = _after(context, outside, cue.end(), s_end, rx)
    if party is None:
        party = _before(context, outside, s_start, cue.start(), rx)
    if party is None and (reach or rx.order == "vso"):
        party = new_after(context, cue.end(), s_end, rx)
    if party is None:
        party = new_before(context, s_start, cue.start(), rx)
    if party is None and rx.code != "en":
        # Free word order puts the speaker after the verb: "…, подтвердила пресс-служба НАТО".
        party = _after(context, outside, cue.end(), s_end, rx, reach=AFTER_VERB, clause_only=True)
    return party


def _signed(
    context: Context, sentence: Sentence, quotes: list[tuple[int, int]], outside: list[Mention]
) -> tuple[PartyEntry, str, int] | None:
    """Language-independent attributions: "“…” – Ministry of Defence" and a paragraph that
    opens "Party: …" (headlines, wire flashes, social posts)."""
    text = context.text
    for _q_start, q_end in quotes:
        dash = re.match(r"\s*,?\s*[–—-]\s*", text[q_end : sentence.end])
        if dash:
            after = [m for m in outside if m.start == q_end + dash.end()]
            if after:
                return after[0].party, "signed quote", q_end
    colon = text.find(":", sentence.start, min(sentence.end, sentence.start + 60))
    if colon > sentence.start and text[sentence.start] not in OPENING_MARKS:
        head = [m for m in outside if m.end <= colon]
        label = text[sentence.start : colon]
        if len(label.split()) <= 6 and not re.search(r"\d|https?$", label):
            if head:
                return head[-1].party, "headline colon", colon
            start = sentence.start
            for mark in CLAUSE_MARKS.finditer(text, sentence.start, colon):
                start = mark.end()
            speaker = new_party(context, start, colon, patterns(context.language))
            if speaker is not None:
                return speaker, "headline colon", colon
    return None


def _pieces(start: int, end: int, quotes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    pieces, cursor = [], start
    for q_start, q_end in quotes:
        if q_start > cursor:
            pieces.append((cursor, q_start))
        pieces.append((q_start, q_end))
        cursor = q_end
    if cursor < end:
        pieces.append((cursor, end))
    return pieces


def _inverted(text: str, s_start: int, cue: re.Match[str], rx: Patterns) -> int:
    """How far after the verb its speaker may stand: "…,” said the ministry spokesman" (a
    few words), "…, заявила Госпогранслужба" or "…, said the ministry" (right after), else 0."""
    before = text[s_start : cue.start()].rstrip()
    if not before:
        return 0 if rx.sov else INVERTED_AFTER_QUOTE
    if before[-1] in CLOSING_MARKS or before.endswith((",”", ',"', "»,", "—", "–")):
        return INVERTED_AFTER_QUOTE
    if before.endswith(",") and not rx.sov:
        if rx.code == "en":
            return INVERTED_AFTER_QUOTE if SAY_VERBS.fullmatch(cue.group()) else 0
        return AFTER_VERB
    return 0


def _after(
    context: Context,
    outside: Sequence[Mention],
    start: int,
    end: int,
    rx: Patterns,
    *,
    reach: int = 80,
    clause_only: bool = False,
) -> PartyEntry | None:
    """The speaker standing after a cue: a party starting within REACH characters (an article
    may come first), or "the ministry" pointing back."""
    window = context.text[start : min(end, start + 120)]
    lead = re.match(r"\s*(?:the\s+)?", window, re.IGNORECASE)
    stop = min(len(window), max(reach, lead.end() + 1 if lead else 0), 80)
    if clause_only:
        comma = re.search(r"[,;:]", window)
        stop = min(stop, comma.start()) if comma else stop
    for mention in outside:
        if start <= mention.start < start + stop:
            return mention.party
    spaces = len(window) - len(window.lstrip())
    anaphor = rx.anaphora.search(window, spaces, min(len(window), stop + 20))
    if (
        anaphor
        and anaphor.start() < max(stop, spaces + 1)
        and anaphor.group().lower() not in PRONOUNS
    ):
        return context.last_party or context.last_before(start)
    return None


def _before(
    context: Context, outside: Sequence[Mention], s_start: int, cue_start: int, rx: Patterns
) -> PartyEntry | None:
    candidates = [m for m in outside if m.end <= cue_start]
    mention = candidates[-1] if candidates else None
    anaphors = [
        a
        for a in rx.anaphora.finditer(context.text, s_start, cue_start)
        if (a.group().lower() not in PRONOUNS or cue_start - a.end() <= 1)
        and not NAME_AFTER.search(context.text, a.end(), cue_start)
    ]
    if anaphors and (mention is None or anaphors[-1].start() > mention.end):
        return context.last_party or context.last_before(anaphors[-1].start())
    return mention.party if mention else None


def _anaphor(context: Context, s_start: int, limit: int, rx: Patterns) -> PartyEntry | None:
    if rx.anaphora.search(context.text, s_start, limit):
        return context.last_party or context.last_before(s_start)
    return None


def _channel(text: str, sentence: Sentence, quotes: list[tuple[int, int]], rx: Patterns) -> str:
    for start, end in _pieces(sentence.start, sentence.end, quotes):
        if (start, end) in quotes and text[start : start + 1] != "«":
            continue
        for name, pattern in rx.channels:
            if pattern.search(text, start, end):
                return name
    return ""


def _continue(
    text: str,
    sentence: Sentence,
    statements: list[StatementProposal],
    continuing: StatementProposal | None,
    last_paragraph: int,
) -> StatementProposal | None:
    """A paragraph opening with a quotation right after a statement carries on that statement;
    while that quotation stays unclosed, so do the paragraphs after it."""
    opens_quote = text[sentence.start] in OPENING_MARKS
    if continuing is not None:
        if sentence.paragraph - last_paragraph > CONTINUATION_PARAGRAPHS:
            return None
        continuing.end = sentence.end
        continuing.excerpt = text[continuing.start : continuing.end]
        closes = any(mark in text[sentence.start + 1 : sentence.end] for mark in '"”»')
        return None if closes else continuing
    if not statements or not opens_quote or sentence.paragraph != last_paragraph + 1:
        return None
    previous = statements[-1]
    statement = StatementProposal(
        party=previous.party,
        start=sentence.start,
        end=sentence.end,
        excerpt=text[sentence.start : sentence.end],
        kind="direct",
        channel=previous.channel,
        quote=(sentence.start, sentence.end),
        cue="continued quotation",
    )
    statements.append(statement)
    closed = any(mark in statement.excerpt[1:] for mark in '"”»')
    return None if closed else statement
