"""Step 2: attributed statements — who says what, where the text says it.

A sentence is a statement when it carries a reporting cue ("said", "according to", "заявила",
"belirtti") and the cue's speaker resolves to a known party: the nearest party before the verb
("Baku said ..."), the party after an inverted verb or a preposition ("..., said the ministry",
"according to X", "заявила Госпогранслужба"), the first party of a verb-final sentence (Turkish,
Azerbaijani, Armenian), or, for "the ministry" / "it" / "Bakanlık", the party last heard from.
Quoted paragraphs that follow a statement without an attribution of their own continue it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.enrich import lexicon
from tracker.enrich.text import Sentence, quote_spans
from tracker.enrich.types import Mention, PartyEntry, StatementProposal

CLOSING_MARKS = "”»\"'’"
SAY_VERBS = re.compile(r"said|says|added|stressed|noted|told|stated|announced", re.IGNORECASE)
CONTINUATION_PARAGRAPHS = 6
HEADING_MAX = 160
HEADING_PARAGRAPHS = 4  # headings and decks open a page
INVERTED_AFTER_QUOTE = 50


@dataclass(frozen=True)
class Patterns:
    verbs: re.Pattern[str]
    preps: re.Pattern[str]
    anaphora: re.Pattern[str]
    joint: re.Pattern[str]
    channels: tuple[tuple[str, re.Pattern[str]], ...]
    sov: bool
    speaker_before_prep: bool


_patterns: dict[str, Patterns] = {}


def patterns(language: str) -> Patterns:
    if language not in _patterns:
        lang = language if language in lexicon.VERB_CUES else "en"
        _patterns[language] = Patterns(
            verbs=lexicon.compiled(rf"(?<!\w)(?:{lexicon.VERB_CUES[lang]})(?!\w)"),
            preps=lexicon.compiled(rf"(?<!\w)(?:{lexicon.PREP_CUES[lang]})(?!\w)"),
            anaphora=lexicon.compiled(rf"(?<!\w)(?:{lexicon.ANAPHORA[lang]})(?!\w)"),
            joint=lexicon.compiled(lexicon.JOINT_SPEECH),
            channels=tuple((name, lexicon.compiled(rx)) for name, rx in lexicon.CHANNELS),
            sov=lang in lexicon.SOV_LANGUAGES,
            speaker_before_prep=lang in ("tr", "az"),
        )
    return _patterns[language]


class _Context:
    """What the resolver needs while walking the sentences in order."""

    def __init__(self, text: str, mentions: Sequence[Mention]) -> None:
        self.text = text
        self.mentions = mentions
        self.last_party: PartyEntry | None = None


def find_statements(
    text: str, sentences: Sequence[Sentence], mentions: Sequence[Mention], language: str
) -> list[StatementProposal]:
    rx = patterns(language)
    context = _Context(text, mentions)
    statements: list[StatementProposal] = []
    last_paragraph = -10
    continuing: StatementProposal | None = None
    for sentence in sentences:
        if _is_heading(text, sentence, sentences):
            continue
        quotes = quote_spans(text, sentence.start, sentence.end)
        found = _resolve(context, sentence, quotes, rx)
        if found is None:
            continuing = _continue(text, sentence, statements, continuing, last_paragraph)
            continue
        party, cue, cue_start = found
        continuing = None
        prefix_is_attribution = (
            not rx.sov
            and not any(q_start < cue_start for q_start, _ in quotes)
            and any(m.party == party and sentence.start <= m.start < cue_start for m in mentions)
        )
        quote = max(quotes, key=lambda q: q[1] - q[0]) if quotes else None
        statement = StatementProposal(
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
        statements.append(statement)
        context.last_party = party
        last_paragraph = sentence.paragraph
    return statements


def _is_heading(text: str, sentence: Sentence, sentences: Sequence[Sentence]) -> bool:
    """A short paragraph with no closing punctuation restates the body: not a statement."""
    alone = [s for s in sentences if s.paragraph == sentence.paragraph]
    if len(alone) != 1 or sentence.paragraph >= HEADING_PARAGRAPHS:
        return False
    body = text[sentence.start : sentence.end].rstrip(CLOSING_MARKS)
    return len(body) <= HEADING_MAX and not body.endswith((".", "!", "?", "։", ":"))


def _inside(position: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def _resolve(
    context: _Context, sentence: Sentence, quotes: list[tuple[int, int]], rx: Patterns
) -> tuple[PartyEntry, str, int] | None:
    text = context.text
    s_start, s_end = sentence.start, sentence.end
    outside = [
        m for m in context.mentions if s_start <= m.start < s_end and not _inside(m.start, quotes)
    ]
    outside_text = "".join(
        " " * (e - s) if any(s == q[0] for q in quotes) else text[s:e]
        for s, e in _pieces(s_start, s_end, quotes)
    )
    if rx.joint.search(outside_text):
        return None
    # "… ” – Ministry of Defense of Azerbaijan": a quote signed after a dash.
    for _q_start, q_end in quotes:
        tail = text[q_end:s_end]
        dash = re.match(r"\s*,?\s*[–—-]\s*", tail)
        if dash:
            after = [m for m in outside if m.start == q_end + dash.end()]
            if after:
                return after[0].party, "signed quote", q_end
    for cue in rx.preps.finditer(text, s_start, s_end):
        if _inside(cue.start(), quotes):
            continue
        party = _after(context, outside, cue.end(), s_end, rx, clause_only=True)
        if rx.speaker_before_prep:
            party = _before(context, outside, s_start, cue.start(), rx)
        if party is not None:
            return party, cue.group(), cue.start()
    for cue in rx.verbs.finditer(text, s_start, s_end):
        if _inside(cue.start(), quotes):
            continue
        party = None
        reach = _inverted(text, s_start, cue, rx)
        if reach:
            party = _after(context, outside, cue.end(), s_end, rx, reach=reach)
        if party is None and rx.sov:
            first = [m for m in outside if m.start < cue.start()]
            party = first[0].party if first else _anaphor(context, s_start, cue.end(), rx)
        if party is None:
            party = _before(context, outside, s_start, cue.start(), rx)
        if party is not None:
            return party, cue.group(), cue.start()
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
        english = rx is patterns("en")
        return 0 if english and not SAY_VERBS.fullmatch(cue.group()) else 2
    return 0


def _after(
    context: _Context,
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
    window = context.text[start:end]
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
    if anaphor and anaphor.start() < max(stop, spaces + 1) and anaphor.group().lower() != "it":
        return context.last_party or _last_mentioned(context, start)
    return None


def _before(
    context: _Context, outside: Sequence[Mention], s_start: int, cue_start: int, rx: Patterns
) -> PartyEntry | None:
    candidates = [m for m in outside if m.end <= cue_start]
    mention = candidates[-1] if candidates else None
    anaphors = [
        a
        for a in rx.anaphora.finditer(context.text, s_start, cue_start)
        if a.group().lower() != "it" or cue_start - a.end() <= 1
    ]
    if anaphors and (mention is None or anaphors[-1].start() > mention.end):
        return context.last_party or _last_mentioned(context, anaphors[-1].start())
    return mention.party if mention else None


def _anaphor(context: _Context, s_start: int, limit: int, rx: Patterns) -> PartyEntry | None:
    if rx.anaphora.search(context.text, s_start, limit):
        return context.last_party or _last_mentioned(context, s_start)
    return None


def _last_mentioned(context: _Context, position: int) -> PartyEntry | None:
    earlier = [m for m in context.mentions if m.end <= position]
    return earlier[-1].party if earlier else None


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
    opens_quote = text[sentence.start] in '"“«„'
    if continuing is not None:
        if opens_quote or sentence.paragraph - last_paragraph > CONTINUATION_PARAGRAPHS:
            return None
        continuing.end = sentence.end
        continuing.excerpt = text[continuing.start : continuing.end]
        closes = any(mark in continuing.excerpt[1:] for mark in '"”»')
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
