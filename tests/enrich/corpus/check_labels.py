"""Validate conflicts.json, split.json and every label file of the corpus.

Checks the JSON shape, that each anchor is an exact substring of the report's text (line 3 on:
line 1 is the collector's label), that parties and sides exist in conflicts.json for the label's
conflict, the aspect/kind/relation vocabularies, that counterclaims join opposing sides, and that
each label sits in the part split.json gave its text. Prints one line per problem and a count
per part and language; exits 1 when anything is wrong.

Usage: python tests/enrich/corpus/check_labels.py
"""

import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
PARTY_KINDS = {
    "government",
    "ministry",
    "military",
    "armed_group",
    "agency",
    "person",
    "international_body",
    "other",
}
ASPECTS = {
    "initiator",
    "timing",
    "location",
    "casualties",
    "means",
    "damage",
    "retaliation",
    "other",
}
FIGURE_KINDS = {"killed", "wounded", "captured", "missing"}
RELATIONS = {"contradicts", "corroborates", "qualifies"}
LABEL_KEYS = {
    "article",
    "conflict",
    "language",
    "published_at",
    "statements",
    "claims",
    "counterclaims",
    "note",
}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)?)?$")


def check_conflicts(conflicts: list[dict]) -> tuple[dict[str, dict[str, str | None]], list[str]]:
    """Return {slug: {party name: side name or None}} and the problems found."""
    problems: list[str] = []
    parties: dict[str, dict[str, str | None]] = {}
    for conflict in conflicts:
        slug = conflict.get("slug", "?")
        if set(conflict) != {"name", "slug", "sides", "third_parties"}:
            problems.append(f"conflicts.json {slug}: keys {sorted(conflict)}")
        members: dict[str, str | None] = {}
        seen: dict[tuple[str, str], str] = {}
        entries = [(side["name"], p) for side in conflict["sides"] for p in side["parties"]]
        entries += [(None, p) for p in conflict["third_parties"]]
        for side, party in entries:
            where = f"conflicts.json {slug} / {party.get('name')}"
            if set(party) != {"name", "kind", "country", "aliases"}:
                problems.append(f"{where}: keys {sorted(party)}")
                continue
            if party["kind"] not in PARTY_KINDS:
                problems.append(f"{where}: kind {party['kind']!r}")
            country = party["country"]
            if country is not None and not re.fullmatch(r"[A-Z]{2}", country):
                problems.append(f"{where}: country {country!r} is not ISO 3166-1 alpha-2")
            if party["name"] in members:
                problems.append(f"{where}: party listed twice")
            members[party["name"]] = side
            for alias in party["aliases"]:
                if set(alias) != {"text", "language"} or not alias["text"].strip():
                    problems.append(f"{where}: alias {alias!r}")
                    continue
                key = (alias["text"].casefold(), alias["language"])
                if seen.get(key, party["name"]) != party["name"]:
                    problems.append(f"{where}: alias {alias['text']!r} also names {seen[key]}")
                seen[key] = party["name"]
        parties[slug] = members
    return parties, problems


def _party_side(label: dict, item: dict, members: dict, where: str, problems: list[str]) -> None:
    party, side = item.get("party"), item.get("side")
    sides = {s for s in members.values() if s}
    if party is None:
        if not item.get("speaker"):
            problems.append(f"{where}: no party and no speaker")
        if side is not None and side not in sides:
            problems.append(f"{where}: unknown side {side!r}")
    elif party not in members:
        problems.append(f"{where}: party {party!r} is not in {label['conflict']}")
    elif members[party] != side:
        problems.append(f"{where}: side {side!r}, conflicts.json says {members[party]!r}")


def check_label(path: Path, parties: dict, split: dict[str, str]) -> list[str]:
    """All the problems of one label file, as sentences."""
    problems: list[str] = []
    where = path.name
    try:
        label = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        return [f"{where}: not JSON ({exc})"]
    if not set(label) <= LABEL_KEYS or not LABEL_KEYS - {"note"} <= set(label):
        return [f"{where}: keys {sorted(label)}"]
    article = REPO / label["article"]
    key = "/".join(Path(label["article"]).parts[-2:])
    if not article.is_file():
        return [f"{where}: article {label['article']} not found"]
    if path.name != key.replace("/", "--").removesuffix(".txt") + ".json":
        problems.append(f"{where}: file name does not match article {key}")
    if split.get(key) != path.parent.name:
        problems.append(f"{where}: split.json puts {key} in {split.get(key)!r}")
    if label["conflict"] != key.split("/")[0]:
        problems.append(f"{where}: conflict {label['conflict']!r} is not the folder's")
    if label["language"] != Path(key).stem.rsplit("-", 1)[1]:
        problems.append(f"{where}: language {label['language']!r} is not the file's")
    published = label["published_at"]
    if published is not None and not ISO_DATE.match(published):
        problems.append(f"{where}: published_at {published!r} is not ISO")
    members = parties.get(label["conflict"], {})
    body = article.read_text(encoding="utf-8").split("\n", 2)[2]
    sides = {s for s in members.values() if s}
    named = set(members)
    for i, item in enumerate(label["statements"]):
        at = f"{where} statement {i}"
        if not set(item) <= {"party", "speaker", "side", "anchor"}:
            problems.append(f"{at}: keys {sorted(item)}")
        _party_side(label, item, members, at, problems)
        named.add(item.get("speaker"))
        if item.get("anchor", "") == "" or item["anchor"] not in body:
            problems.append(f"{at}: anchor not in text: {item.get('anchor')!r}")
    for i, item in enumerate(label["claims"]):
        at = f"{where} claim {i}"
        allowed = {"party", "speaker", "side", "aspect", "anchor", "accused_side", "figures"}
        if not set(item) <= allowed:
            problems.append(f"{at}: keys {sorted(item)}")
        _party_side(label, item, members, at, problems)
        if item.get("aspect") not in ASPECTS:
            problems.append(f"{at}: aspect {item.get('aspect')!r}")
        if item.get("anchor", "") == "" or item["anchor"] not in body:
            problems.append(f"{at}: anchor not in text: {item.get('anchor')!r}")
        if "accused_side" in item and (
            item["aspect"] != "initiator" or item["accused_side"] not in sides
        ):
            problems.append(f"{at}: accused_side {item['accused_side']!r}")
        for figure in item.get("figures", []):
            ok = (
                set(figure) == {"kind", "min", "max", "side"}
                and figure["kind"] in FIGURE_KINDS
                and isinstance(figure["min"], int)
                and isinstance(figure["max"], int)
                and 0 <= figure["min"] <= figure["max"]
                and (figure["side"] is None or figure["side"] in sides)
            )
            if not ok or item["aspect"] != "casualties":
                problems.append(f"{at}: figure {figure!r}")
    side_of = dict(members)
    for item in label["statements"] + label["claims"]:
        if item.get("party") is None and item.get("speaker"):
            side_of[item["speaker"]] = item.get("side")
    for i, item in enumerate(label["counterclaims"]):
        at = f"{where} counterclaim {i}"
        if set(item) != {"aspect", "relation", "a_party", "b_party"}:
            problems.append(f"{at}: keys {sorted(item)}")
            continue
        if item["aspect"] not in ASPECTS or item["relation"] not in RELATIONS:
            problems.append(f"{at}: aspect/relation {item['aspect']!r}/{item['relation']!r}")
        a, b = side_of.get(item["a_party"]), side_of.get(item["b_party"])
        if item["a_party"] not in named or item["b_party"] not in named:
            problems.append(f"{at}: parties {item['a_party']!r}, {item['b_party']!r} unknown")
        elif a is None or b is None or a == b:
            problems.append(f"{at}: sides {a!r} and {b!r} are not opposing")
    return problems


def main() -> int:
    conflicts = json.loads((HERE / "conflicts.json").read_text(encoding="utf-8"))
    split = json.loads((HERE / "split.json").read_text(encoding="utf-8"))
    parties, problems = check_conflicts(conflicts)
    counts: Counter[tuple[str, str]] = Counter()
    statements: Counter[str] = Counter()
    for part in ("dev", "test"):
        for path in sorted((HERE / part).glob("*.json")):
            problems += check_label(path, parties, split)
            label = json.loads(path.read_text(encoding="utf-8"))
            counts[(part, label.get("language", "?"))] += 1
            statements[part] += len(label.get("statements", []))
    for problem in problems:
        print(problem)
    for part in ("dev", "test"):
        langs = sorted((lang, n) for (p, lang), n in counts.items() if p == part)
        total = sum(n for _, n in langs)
        detail = ", ".join(f"{lang} {n}" for lang, n in langs)
        print(f"{part}: {total} labelled texts, {statements[part]} statements ({detail})")
    print(f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
