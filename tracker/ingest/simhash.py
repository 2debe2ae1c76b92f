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

BITS = 64
BAND_WIDTHS = (11, 11, 11, 11, 10, 10)
MAX_DISTANCE = len(BAND_WIDTHS) - 1
# Fewer shingles than this and a fingerprint says more about the template than the story.
MIN_SHINGLES = 12
# The opening of a story identifies it; hashing the whole of a long text buys nothing.
MAX_WORDS = 400
_WORD = re.compile(r"\w+", re.UNICODE)
_SIGN = 1 << (BITS - 1)


# Bit-sliced counting: each shingle's 8 hash bytes are looked up in tables that spread every bit
# into its own 16-bit lane of one big integer, so summing the integers counts all 64 bit positions
# at once in C (per-bit Python loops were twice as slow). 16-bit lanes hold up to 65535 shingles.
_LANE = 16
_SPREAD = [
    [sum(1 << ((p * 8 + b) * _LANE) for b in range(8) if v >> (7 - b) & 1) for v in range(256)]
    for p in range(8)
]


def simhash(text: str) -> int | None:
    """Signed 64-bit SimHash of TEXT (fits a PostgreSQL bigint), or None if TEXT is too short
    to fingerprint reliably."""
    words = _WORD.findall(text.lower())[:MAX_WORDS]
    shingles = {" ".join(words[i : i + 3]) for i in range(len(words) - 2)}
    if len(shingles) < MIN_SHINGLES:
        return None
    t0, t1, t2, t3, t4, t5, t6, t7 = _SPREAD
    total = 0
    for shingle in shingles:
        d = hashlib.blake2b(shingle.encode(), digest_size=8).digest()
        total += (
            t0[d[0]] + t1[d[1]] + t2[d[2]] + t3[d[3]] + t4[d[4]] + t5[d[5]] + t6[d[6]] + t7[d[7]]
        )
    half, mask, value = len(shingles) / 2, (1 << _LANE) - 1, 0
    for lane in range(BITS):
        if (total >> (lane * _LANE)) & mask > half:
            value |= 1 << (BITS - 1 - lane)
    return value - (1 << BITS) if value & _SIGN else value


def bands(fingerprint: int) -> list[int]:
    """The six bands, each tagged with its position so equal values in different positions
    do not match."""
    unsigned = fingerprint & ((1 << BITS) - 1)
    result, shift = [], 0
    for position, width in enumerate(BAND_WIDTHS):
        result.append((position << 16) | ((unsigned >> shift) & ((1 << width) - 1)))
        shift += width
    return result


def distance(a: int, b: int) -> int:
    return ((a ^ b) & ((1 << BITS) - 1)).bit_count()
