"""SimHash fingerprints of texts, for near-duplicate grouping in Python (the embedded PostgreSQL
has no pg_trgm).

64-bit SimHash over word 3-gram shingles: a wire story reprinted by another outlet, or lightly
edited, lands within a few bits (measured on the shared articles: two changed words or an added
"UPDATE:" line cost 3-6 bits; unrelated reports of the same event are 24+ bits apart).
Candidates are found through six bands of 10-11 bits stored as an indexed integer array: two
fingerprints within 5 bits share at least one band exactly (pigeonhole), so the index finds
every candidate and the Hamming distance decides."""

import hashlib
import re
from functools import lru_cache

import numpy as np

BITS = 64
BAND_WIDTHS = (11, 11, 11, 11, 10, 10)
MAX_DISTANCE = len(BAND_WIDTHS) - 1
# Fewer shingles than this and a fingerprint says more about the template than the story.
MIN_SHINGLES = 12
# The opening of a story identifies it; hashing the whole of a long text buys nothing.
MAX_WORDS = 400
_WORD = re.compile(r"\w+", re.UNICODE)
# An empty 8-byte BLAKE2b, copied per shingle: a third cheaper than a new hash object per shingle
# (whose keyword arguments are parsed and parameter block built on every call); same digests.
_EMPTY_DIGEST = hashlib.blake2b(digest_size=8)


def simhash(text: str) -> int | None:
    """Signed 64-bit SimHash of TEXT (fits a PostgreSQL bigint), or None if TEXT is too short
    to fingerprint reliably.

    Each shingle's 8-byte BLAKE2b digest is one row of bits; numpy counts every bit position
    over all rows at once (a Python integer per shingle cost a third more) and a bit of the
    fingerprint is set where most shingles have it, most significant bit of byte 0 first."""
    words = _opening_words(text)
    shingles = set(map(" ".join, zip(words, words[1:], words[2:], strict=False)))
    count = len(shingles)
    if count < MIN_SHINGLES:
        return None
    digests = []
    for shingle in shingles:
        digest = _EMPTY_DIGEST.copy()
        digest.update(shingle.encode())
        digests.append(digest.digest())
    rows = np.unpackbits(np.frombuffer(b"".join(digests), dtype=np.uint8)).reshape(count, BITS)
    majority = rows.sum(axis=0, dtype=np.uint32) * 2 > count
    return int.from_bytes(np.packbits(majority).tobytes(), "big", signed=True)


def _opening_words(text: str) -> list[str]:
    """The first MAX_WORDS words of TEXT, lower-cased, reading only as much of a long text as
    they need: an opening that yields more than MAX_WORDS words holds every one of them whole
    (a word cut at its end is a later one), so the result is the whole text's first words."""
    limit = 4096
    while True:
        words = _WORD.findall(text[:limit].lower())
        if len(words) > MAX_WORDS or limit >= len(text):
            return words[:MAX_WORDS]
        limit *= 4


@lru_cache(maxsize=65536)
def bands(fingerprint: int) -> tuple[int, ...]:
    """The six bands, each tagged with its position so equal values in different positions
    do not match. Cached: grouping reads the bands of every candidate of every batch, and the
    same stories are candidates batch after batch."""
    unsigned = fingerprint & ((1 << BITS) - 1)
    result, shift = [], 0
    for position, width in enumerate(BAND_WIDTHS):
        result.append((position << 16) | ((unsigned >> shift) & ((1 << width) - 1)))
        shift += width
    return tuple(result)


def distance(a: int, b: int) -> int:
    return ((a ^ b) & ((1 << BITS) - 1)).bit_count()
