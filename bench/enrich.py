"""Benchmark of the rule-based enrichment steps: articles per second in one process, and the
share of time each step takes, over every article in ../shared/data/articles.

Text extraction from HTML (trafilatura) is done once before timing: it belongs to ingest. The
floor, measured in the same run, is the cheapest pass any step must make over a text: lower-case
it and split it into words. Nothing is stored; no database is needed.

    .venv/bin/python bench/enrich.py            # 20 rounds over the articles
    .venv/bin/python bench/enrich.py --quick    # 3 rounds

Then one report of 128 KB, 512 KB and 2 MB (the articles repeated, seed report first, cut at a
paragraph): seconds, peak memory (tracemalloc, a separate pass) and the seconds per MB against
the 128 KB run. Linear time keeps that ratio near 1; the old quadratic steps made it 16 at 2 MB.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ARTICLES = ROOT / ".." / "shared" / "data" / "articles"
GOAL = 20.0  # articles per second on one core
SIZES_KB = (128, 512, 2048)
LINEAR_GOAL = 1.5  # seconds per MB at 2 MB over seconds per MB at 128 KB


def load_articles() -> list[tuple[str, str]]:
    from tracker.text.documents import load_document

    found = []
    for path in sorted(ARTICLES.rglob("*")):
        if path.suffix in (".txt", ".html", ".md") and path.is_file():
            text = load_document(path.read_text(encoding="utf-8", errors="replace"))
            found.append((str(path.relative_to(ARTICLES)), text))
    return found


def floor_pass(texts: list[str]) -> int:
    words = 0
    for text in texts:
        words += len(re.findall(r"\w+", text.lower()))
    return words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 rounds instead of 20")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    from config.bootstrap import ensure_services

    ensure_services()
    django.setup()
    from tracker.demo.matcher import demo_matcher
    from tracker.enrich.pipeline import STEPS, enrich_document

    rounds = 3 if args.quick else 20
    articles = load_articles()
    texts = [text for _, text in articles]
    matcher = demo_matcher()
    published = datetime(2022, 9, 23, 12, tzinfo=UTC)
    enrich_document(texts[0], matcher=matcher)  # warm up: language model, compiled patterns
    print(f"{len(articles)} articles, {sum(map(len, texts)):,} characters, {rounds} rounds")

    start = time.perf_counter()
    for _ in range(rounds):
        floor_pass(texts)
    floor_seconds = (time.perf_counter() - start) / rounds

    steps = dict.fromkeys(STEPS, 0.0)
    proposals = 0
    start = time.perf_counter()
    for number in range(1, rounds + 1):
        for text in texts:
            result = enrich_document(text, matcher=matcher, published_at=published)
            proposals += len(result.statements) + len(result.claims) + len(result.counterclaims)
            for step, seconds in result.timings.items():
                steps[step] += seconds
        print(f"  round {number}/{rounds}: {time.perf_counter() - start:.2f}s elapsed", flush=True)
    seconds = time.perf_counter() - start
    per_second = len(texts) * rounds / seconds
    floor_per_second = len(texts) / floor_seconds
    total_steps = sum(steps.values()) or 1.0
    lines = [
        "## Enrichment (rule-based steps, one process)",
        "",
        f"Run: `bench/enrich.py{' --quick' if args.quick else ''}` — {len(texts)} articles of "
        f"`shared/data/articles` ({sum(map(len, texts)):,} characters), {rounds} rounds, "
        f"{proposals // rounds} proposals per round.",
        "",
        "| measure | value |",
        "| --- | --- |",
        f"| articles per second | **{per_second:.0f}** (goal ≥ {GOAL:.0f}: "
        f"{'met' if per_second >= GOAL else 'NOT met'}) |",
        f"| floor (lower-case + split into words) | {floor_per_second:.0f} articles/s |",
        f"| ratio to the floor | {floor_per_second / per_second:.1f}× slower |",
        "",
        "| step | share of time |",
        "| --- | --- |",
        *[f"| {step} | {100 * value / total_steps:.1f}% |" for step, value in steps.items()],
    ]
    lines += [
        "",
        *scaling(articles, matcher, published, enrich_document, rounds=1 if args.quick else 3),
    ]
    markdown = "\n".join(lines)
    print(markdown)
    from bench.report import write_section

    write_section("enrich", markdown)


def report_of(articles: list[tuple[str, str]], size: int) -> str:
    """SIZE bytes of report: the articles repeated (the seed report first, so every size has
    statements), cut at a paragraph boundary."""
    ordered = sorted(articles, key=lambda a: not a[0].startswith("seed"))
    unit = "\n\n".join(text for _, text in ordered)
    text = unit * (size // len(unit.encode("utf-8")) + 1)
    cut = text.encode("utf-8")[:size].decode("utf-8", errors="ignore")
    return cut[: cut.rfind("\n\n")]


def scaling(articles, matcher, published, enrich_document, *, rounds: int) -> list[str]:
    rows = []
    base: float | None = None
    for kb in SIZES_KB:
        text = report_of(articles, kb * 1024)
        megabytes = len(text.encode("utf-8")) / 1024 / 1024
        best = floor = float("inf")
        for _ in range(rounds):
            start = time.perf_counter()
            floor_pass([text])
            floor = min(floor, time.perf_counter() - start)
            start = time.perf_counter()
            result = enrich_document(text, matcher=matcher, published_at=published)
            best = min(best, time.perf_counter() - start)
        tracemalloc.start()
        enrich_document(text, matcher=matcher, published_at=published)
        peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()
        per_mb = best / megabytes
        base = base or per_mb
        rows.append(
            f"| {kb:,} KB | {len(result.statements):,} / {len(result.claims):,} | {best:.2f} s | "
            f"{per_mb:.2f} s | **{per_mb / base:.2f}** | {best / floor:.0f}× | "
            f"{peak:.0f} MB ({peak / megabytes:.0f}× the text) |"
        )
        print(rows[-1], flush=True)
    ratio = per_mb / (base or per_mb)
    return [
        f"One report at three sizes (best of {rounds}): time and memory linear in the text.",
        "",
        "| size | statements / claims | time | per MB | per MB ÷ 128 KB's | ÷ floor | "
        "peak memory |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        *rows,
        "",
        f"Goal: per-MB time at 2 MB within {LINEAR_GOAL}× of 128 KB's: "
        f"{'met' if ratio <= LINEAR_GOAL else 'NOT met'} ({ratio:.2f}×).",
    ]


if __name__ == "__main__":
    main()
