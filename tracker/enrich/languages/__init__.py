"""Language packs: the grammar the rules read, one TOML file per language.

A pack holds words, never names: reporting verbs and their forms, the prepositions that put the
speaker after them ("according to"), words that point back to the last speaker, nouns that make a
phrase a speaker ("spokesman", "ministry"), casualty and damage words, number words and month
names. Party names come from the data (PartyAlias). A language without a pack still gets the
language-independent rules (quotation marks, party names, digits, "X: …" headlines).

The packs are data, not code: each `<code>.toml` holds the fields of LanguagePack, a pattern
written as one string or as a list of alternatives (joined with "|"), `numbers` and `months` as
tables. Recipe for a new language (docs/enrichment.md, "Adding a language"): copy `en.toml` to
`<ISO 639-1 code>.toml`, translate each field (regular-expression alternations; a stem such as
`заяв\\w*` covers every form of a verb), set `order`, add the code to PACK_CODES, and add a
sentence in that language to tests/enrich/test_languages.py."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

PACK_CODES = (
    "en",
    "fr",
    "es",
    "de",
    "ar",
    "ru",
    "uk",
    "he",
    "fa",
    "tr",
    "az",
    "hy",
    "el",
    "hi",
)


@dataclass(frozen=True)
class LanguagePack:
    code: str
    verbs: str  # reporting verbs, every form a reader meets (regex alternation)
    preps: str = ""  # cues the speaker follows: "according to X", "selon X"
    post_preps: str = ""  # cues the speaker precedes: "X'e göre", "X zufolge"
    anaphora: str = ""  # "the ministry", "ведомства": the party last heard from
    speakers: str = ""  # nouns that make a phrase a speaker: "spokesman", "ministry"
    # "svo": speaker before the verb, or right after it when inverted after a quotation;
    # "sov": speaker opens the clause (tr, az, hy, fa, hi); "vso": speaker may follow (ar).
    order: str = "svo"
    killed: str = ""
    wounded: str = ""
    damage: str = ""  # material losses: vehicles, aircraft, buildings, infrastructure
    responsibility: str = ""  # claiming an attack: an initiator claim against the speaker's side
    denial: str = ""  # "denied", "опроверг": the statement's content is an "other" claim
    # Aspect cues beyond the shared ones in lexicon.py (which hold en, ru, tr, az, hy). Places
    # stay language-independent there: prepositions + a word ("في X", "à X") proposed a place
    # in nearly every sentence of the dev set.
    initiator: str = ""
    means: str = ""
    numbers: dict[str, int] = field(default_factory=dict)
    months: dict[str, int] = field(default_factory=dict)
    # Speaker phrases are cut at these words, which start a new clause ("… that", "… , who").
    clause_words: str = ""


@cache
def pack(code: str) -> LanguagePack | None:
    """The pack for ISO 639-1 CODE, or None when there is none (the language-independent
    rules still run)."""
    base = (code or "").split("-")[0].lower()
    if base not in PACK_CODES:
        return None
    with (Path(__file__).parent / f"{base}.toml").open("rb") as data:
        fields: dict[str, Any] = tomllib.load(data)
    values: dict[str, Any] = {
        name: "|".join(value) if isinstance(value, list) else value
        for name, value in fields.items()
    }
    return LanguagePack(code=base, **values)


def all_packs() -> list[LanguagePack]:
    return [p for p in (pack(code) for code in PACK_CODES) if p is not None]


def union(attribute: str) -> str:
    """One alternation of a field across every pack: casualty and damage words are recognised
    whatever the detected language (reports quote across languages)."""
    return "|".join(f"(?:{getattr(p, attribute)})" for p in all_packs() if getattr(p, attribute))


@cache
def merged(attribute: str) -> dict[str, int]:
    """Number or month words of every pack in one table (dates and durations are read
    whatever the report's language); the first pack in PACK_CODES wins a shared word."""
    table: dict[str, int] = {}
    for found in reversed(all_packs()):
        table.update(getattr(found, attribute))
    return table
