"""Benchmark of article-text extraction: precision, recall and F1 of our settings beside bare
`trafilatura.extract` with its defaults, in the same run, on the pages nobody here wrote.

Two corpora in ../shared/data/articles:
- trafilatura/evaldata-subset.json: per page, snippets that must appear ("with") and must not
  ("without") in the main text — trafilatura's own evaluation method: a "with" snippet found is
  a true positive, missed a false negative; a "without" snippet found is a false positive.
- newspaper4k/*.html with the expected text in *.txt: word-level (multiset) overlap of the
  extracted text with the expected one.

Each page is decoded the way the pipeline decodes it (tracker.ingest.charset) and every
configuration gets the same string.

    .venv/bin/python bench/extract.py
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ARTICLES = ROOT / ".." / "shared" / "data" / "articles"


def _configs() -> dict[str, Callable[[str, str], str]]:
    import trafilatura

    from tracker.text.html import main_text

    def variant(**options: Any) -> Callable[[str, str], str]:
        return lambda html, url: trafilatura.extract(html, url=url or None, **options) or ""

    return {
        "ours (`main_text`)": lambda html, url: main_text(html, url=url),
        "bare trafilatura (defaults)": variant(),
        "favor_precision": variant(favor_precision=True),
        "favor_recall": variant(favor_recall=True),
        "no tables, no comments": variant(include_tables=False, include_comments=False),
        "favor_precision, no tables, no comments": variant(
            favor_precision=True, include_tables=False, include_comments=False
        ),
    }


def _pages() -> tuple[list[tuple[str, str, dict]], list[tuple[str, str]]]:
    from tracker.ingest.charset import document_encoding

    def decoded(path: Path) -> str:
        raw = path.read_bytes()
        return raw.decode(document_encoding(raw), "replace")

    folder = ARTICLES / "trafilatura"
    cases = json.loads((folder / "evaldata-subset.json").read_text())
    snippets = [(decoded(folder / c["file"]), url, c) for url, c in cases.items()]
    folder = ARTICLES / "newspaper4k"
    texts = [
        (decoded(html), html.with_suffix(".txt").read_text(encoding="utf-8"))
        for html in sorted(folder.glob("*.html"))
        if html.with_suffix(".txt").exists()
    ]
    return snippets, texts


def _prf(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _words(text: str) -> Counter[str]:
    # Characters for scripts written without spaces (Chinese, Japanese), words otherwise.
    tokens = text.split()
    if sum(len(t) for t in tokens) > 8 * max(len(tokens), 1):
        return Counter(c for c in text if not c.isspace())
    return Counter(tokens)


def measure() -> dict[str, dict[str, float]]:
    snippets, texts = _pages()
    results = {}
    for name, extract in _configs().items():
        started = time.perf_counter()
        tp = fp = fn = 0.0
        for html, url, case in snippets:
            text = extract(html, url)
            found = sum(s in text for s in case["with"])
            tp += found
            fn += len(case["with"]) - found
            fp += sum(s in text for s in case["without"])
        snippet_prf = _prf(tp, fp, fn)
        tp = fp = fn = 0.0
        for html, expected in texts:
            got, want = _words(extract(html, "")), _words(expected)
            common = sum((got & want).values())
            tp += common
            fp += sum(got.values()) - common
            fn += sum(want.values()) - common
        word_prf = _prf(tp, fp, fn)
        results[name] = {
            "snippet_p": snippet_prf[0],
            "snippet_r": snippet_prf[1],
            "snippet_f1": snippet_prf[2],
            "word_p": word_prf[0],
            "word_r": word_prf[1],
            "word_f1": word_prf[2],
            "seconds": time.perf_counter() - started,
        }
    results["_pages"] = {"snippet_pages": len(snippets), "text_pages": len(texts)}
    return results


def report(results: dict[str, dict[str, float]]) -> str:
    pages = results.pop("_pages")
    lines = [
        "## Article-text extraction (`bench/extract.py`)",
        "",
        f"{pages['snippet_pages']:.0f} pages of trafilatura's evaluation set (snippets that must "
        "and must not appear) and "
        f"{pages['text_pages']:.0f} newspaper4k pages with their expected text (word overlap), "
        "all in `../shared/data/articles`, decoded as the pipeline decodes them. Every "
        "configuration runs in the same process on the same strings; the floor is bare "
        "`trafilatura.extract` with its defaults.",
        "",
        "| configuration | snippets P | R | F1 | words P | R | F1 | time |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['snippet_p']:.3f} | {r['snippet_r']:.3f} | {r['snippet_f1']:.3f} "
            f"| {r['word_p']:.3f} | {r['word_r']:.3f} | {r['word_f1']:.3f} "
            f"| {r['seconds']:.1f} s |"
        )
    return "\n".join(lines)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    markdown = report(measure())
    print(markdown)
    from bench.report import write_section

    write_section("extract", markdown)


if __name__ == "__main__":
    main()
