"""A text cut into paragraphs, sentences and quotations, all with code-point offsets into the one
string every later step reads."""

from __future__ import annotations

import re
from dataclasses import dataclass

QUOTE_PAIRS = {"“": "”", "«": "»", "„": "“", '"': '"'}
SENTENCE_END = re.compile(
    r"[.!?։。]+[\"'”»]?(?=\s*[“«]|\s+[\"'“«(\[]?[A-ZА-ЯЁÇŞĞÜÖİƏԱ-Ֆ0-9])"
    # Sentences run together without a space ("…car bombing.Colombia has asked"), as some
    # scraped texts have them; a lower-case word before keeps "U.S.Army" whole.
    r"|(?<=[a-zа-яё]{2})[.!?]+(?=[A-ZА-ЯЁ][a-zа-яё])"
    # Scripts without capitals (Arabic, Hebrew, Persian, Devanagari): any letter may follow.
    r"|[.!?؟।]+(?=\s+[\u0590-\u08ff\u0900-\u097f])"
    # Posts string headlines together behind a marker: "… 🔴 حماس: …".
    r"|(?<=\S)\s+(?=[\u2600-\u27bf\U0001f300-\U0001faff]\s)"
)


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    paragraph: int


def paragraphs(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in re.finditer(r"[^\n]+", text):
        if match.group().strip():
            spans.append((match.start(), match.end()))
    return spans


QUOTE_OPENERS = re.compile("[" + re.escape("".join(QUOTE_PAIRS)) + "]")


def quote_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Quoted stretches inside [START, END), marks included. An unclosed quote runs to END.
    A '"' between two letters is no quotation mark (Hebrew gershayim: צה"ל), and a name in
    quotation marks («Талибан», "Hamas") is a name, not a quotation: neither is returned."""
    spans = []
    i = start
    while True:
        opener = QUOTE_OPENERS.search(text, i, end)
        if opener is None:
            break
        i = opener.start()
        char = text[i]
        if char == '"' and i > start and text[i - 1].isalnum():
            i += 1
            continue
        j = _closer(text, QUOTE_PAIRS[char], i + 1, end)
        if j < 0:
            spans.append((i, end))
            break
        if len(text[i + 1 : j].split()) > NAME_WORDS or SENTENCE_MARK.search(text, i + 1, j):
            spans.append((i, j + 1))
        i = j + 1
    return spans


NAME_WORDS = 3  # «Аль-Каида», "Islamic State of Iraq": names, not quotations
SENTENCE_MARK = re.compile(r"[.!?,;:]")


def _closer(text: str, mark: str, start: int, end: int) -> int:
    j = text.find(mark, start, end)
    while mark == '"' and 0 < j < end - 1 and text[j - 1].isalpha() and text[j + 1].isalpha():
        j = text.find(mark, j + 1, end)  # gershayim inside a word
    return j


def sentences(text: str) -> list[Sentence]:
    """Sentences with offsets; a sentence never ends inside a quotation, so a quoted statement
    of several sentences and its attribution stay together. One pass: the quotations of a
    paragraph are walked with the boundaries, both in order."""
    result: list[Sentence] = []
    for number, (p_start, p_end) in enumerate(paragraphs(text)):
        quotes = quote_spans(text, p_start, p_end)
        cut = p_start
        k = 0
        for match in SENTENCE_END.finditer(text, p_start, p_end):
            boundary = match.end()
            while k < len(quotes) and quotes[k][1] - 1 <= boundary - 1:
                k += 1
            if k < len(quotes) and quotes[k][0] < boundary - 1:
                continue
            _add(result, text, cut, boundary, number)
            cut = boundary
        _add(result, text, cut, p_end, number)
    return result


def _add(result: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        result.append(Sentence(start, end, paragraph))
