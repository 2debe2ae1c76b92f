"""Assign every corpus text to "dev" or "test", once, before any tuning.

Deterministic: the texts are grouped by (conflict, language), each group is
shuffled with a fixed seed and alternately dealt to dev and test, the odd one
out going to whichever part is smaller so far (counting the fixed ones). The NTREX-128 files are one
story in many translations, so they all go to test: they are the only texts
for several languages and must stay unseen.

Usage: python tests/enrich/corpus/make_split.py [CORPUS_DIR]  (writes split.json)
"""

import json
import random
import sys
from collections import defaultdict
from pathlib import Path

SEED = 20261125
HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parents[3] / "shared" / "data" / "articles" / "corpus"
ALWAYS_TEST_PREFIX = "ntrex128-"


def language_of(path: Path) -> str:
    """The language code is the last dash-separated part of the file stem."""
    return path.stem.rsplit("-", 1)[1]


def make_split(corpus: Path) -> dict[str, str]:
    """Map "<folder>/<file>" to "dev" or "test"."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    split: dict[str, str] = {}
    for path in sorted(corpus.glob("*/*.txt")):
        key = f"{path.parent.name}/{path.name}"
        if path.name.startswith(ALWAYS_TEST_PREFIX):
            split[key] = "test"
        else:
            groups[(path.parent.name, language_of(path))].append(key)
    rng = random.Random(SEED)  # noqa: S311 -- a reproducible shuffle, not a secret
    counts = {"dev": 0, "test": len(split)}
    for group in sorted(groups):
        keys = groups[group]
        rng.shuffle(keys)
        first = "dev" if counts["dev"] <= counts["test"] else "test"
        second = "test" if first == "dev" else "dev"
        for i, key in enumerate(keys):
            part = first if i % 2 == 0 else second
            split[key] = part
            counts[part] += 1
    return dict(sorted(split.items()))


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS
    split = make_split(corpus)
    out = HERE / "split.json"
    out.write_text(json.dumps(split, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    parts = [split[k] for k in split]
    print(f"{len(split)} texts: dev {parts.count('dev')}, test {parts.count('test')}")


if __name__ == "__main__":
    main()
