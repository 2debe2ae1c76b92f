"""A file's bytes read as a document: decoded, refused in words when it is not text, and reduced
to its main text when it is an HTML page."""

import re
from collections import Counter

from tracker.text.html import html_to_text, looks_like_html, main_text

FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)


def load_document(raw: str) -> str:
    """Plain text from a file's content: HTML pages and Markdown with HTML give their main text
    (the tags stripped when no main text is found)."""
    raw = FRONT_MATTER.sub("", raw.replace("\r\n", "\n"))
    if not looks_like_html(raw):
        return raw
    return main_text(raw) or html_to_text(raw)


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
