"""Conflicts as data: import a file of conflicts, their sides, parties and aliases.

The file shape (docs/enrichment.md, "Setting up conflicts"):
`[{"name", "slug", "description"?, "sides": [{"name", "role"?, "country"?, "parties": [party]}],
"third_parties": [party]}]`, a party being `{"name", "short_name"?, "kind", "country",
"aliases": [{"text", "language", "metonym"?}]}`. Every entry is checked before anything is
written, and the whole file is written in one transaction: a bad file changes nothing and each
error names its entry and field. Importing again updates (names, kinds, countries, sides) and
adds missing aliases; it never duplicates. Aliases an editor added are kept."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tracker.enrich.parties import common_country
from tracker.enums import PartyKind, SideRole
from tracker.models import Alignment, Conflict, Party, PartyAlias, Side

SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
COUNTRY = re.compile(r"^[A-Za-z]{2}$")
# Free-text kinds a newsroom writes, mapped to PartyKind; anything else is kept as "other".
KIND_WORDS = {
    PartyKind.MINISTRY: ("ministry", "department", "office"),
    PartyKind.ARMED_FORCE: ("armed", "army", "military", "militia", "force", "brigade", "wing"),
    PartyKind.GOVERNMENT: ("government", "state", "presidency", "cabinet", "authority"),
    PartyKind.AGENCY: ("agency", "service", "police"),
    PartyKind.ORGANISATION: ("organisation", "organization", "international", "alliance"),
    PartyKind.PERSON: ("person", "spokesman", "spokesperson", "leader", "president", "minister"),
}


class ConflictFileError(ValueError):
    """A conflict file that cannot be imported; ERRORS name each entry and field."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors))


@dataclass
class ImportSummary:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, created: bool) -> None:
        bucket = self.created if created else self.updated
        bucket[what] = bucket.get(what, 0) + 1

    def __str__(self) -> str:
        kinds = ("conflicts", "sides", "parties", "aliases")
        made = ", ".join(f"{self.created.get(k, 0)} {k}" for k in kinds)
        kept = ", ".join(f"{self.updated.get(k, 0)} {k}" for k in kinds[:3])
        return f"created {made}; updated {kept}"


def party_kind(value: str) -> PartyKind:
    """A free-text kind as a PartyKind: a value or label of the enum, a word that names one,
    else OTHER."""
    lowered = value.strip().lower()
    for kind in PartyKind:
        if lowered in (kind.value, str(kind.label).lower()):
            return kind
    for kind, words in KIND_WORDS.items():
        if any(word in lowered for word in words):
            return kind
    return PartyKind.OTHER


def conflicts_import(*, data: Any) -> ImportSummary:
    """Validate DATA (the parsed JSON) whole, then write it in one transaction."""
    entries = data if isinstance(data, list) else [data]
    errors: list[str] = []
    for index, entry in enumerate(entries):
        _check_conflict(entry, f"conflicts[{index}]", errors)
    _check_parties_once_per_conflict(entries, errors)
    if errors:
        raise ConflictFileError(errors)
    summary = ImportSummary()
    with transaction.atomic():
        for entry in entries:
            _write_conflict(entry, summary)
    return summary


def _text(
    obj: dict[str, Any], key: str, where: str, errors: list[str], *, limit: int, need: bool = True
) -> None:
    value = obj.get(key)
    if value in (None, "") and not need:
        return
    if not isinstance(value, str) or not value.strip():
        errors.append(f"{where}.{key}: a non-empty string is required")
    elif len(value) > limit:
        errors.append(f"{where}.{key}: at most {limit} characters ({len(value)} given)")


def _check_conflict(entry: Any, where: str, errors: list[str]) -> None:
    if not isinstance(entry, dict):
        errors.append(f"{where}: an object is required")
        return
    where = f"{where} ({entry.get('name', entry.get('slug', '?'))})"
    _text(entry, "name", where, errors, limit=200)
    _text(entry, "slug", where, errors, limit=50)
    if isinstance(entry.get("slug"), str) and not SLUG.match(entry["slug"]):
        errors.append(f"{where}.slug: letters, digits, - and _ only ({entry['slug']!r})")
    sides = entry.get("sides")
    if not isinstance(sides, list) or not sides:
        errors.append(f"{where}.sides: a non-empty list is required")
        sides = []
    for s_index, side in enumerate(sides):
        s_where = f"{where}.sides[{s_index}]"
        if not isinstance(side, dict):
            errors.append(f"{s_where}: an object is required")
            continue
        _text(side, "name", s_where, errors, limit=120)
        if side.get("role") not in (None, *SideRole.values):
            allowed = ", ".join(SideRole.values)
            errors.append(f"{s_where}.role: one of {allowed} ({side.get('role')!r} given)")
        _check_country(side, s_where, errors)
        _check_parties(side.get("parties", []), f"{s_where}.parties", errors)
    _check_parties(entry.get("third_parties", []), f"{where}.third_parties", errors)


def _check_country(obj: dict, where: str, errors: list[str]) -> None:
    country = obj.get("country")
    if country not in (None, "") and not (isinstance(country, str) and COUNTRY.match(country)):
        errors.append(f"{where}.country: an ISO 3166-1 alpha-2 code or null ({country!r} given)")


def _check_parties(parties: Any, where: str, errors: list[str]) -> None:
    if not isinstance(parties, list):
        errors.append(f"{where}: a list is required")
        return
    for index, party in enumerate(parties):
        p_where = f"{where}[{index}]"
        if not isinstance(party, dict):
            errors.append(f"{p_where}: an object is required")
            continue
        p_where = f"{p_where} ({party.get('name', '?')})"
        _text(party, "name", p_where, errors, limit=200)
        _text(party, "short_name", p_where, errors, limit=80, need=False)
        if not isinstance(party.get("kind", ""), str):
            errors.append(f"{p_where}.kind: a string is required")
        _check_country(party, p_where, errors)
        aliases = party.get("aliases", [])
        if not isinstance(aliases, list):
            errors.append(f"{p_where}.aliases: a list is required")
            continue
        for a_index, alias in enumerate(aliases):
            a_where = f"{p_where}.aliases[{a_index}]"
            if not isinstance(alias, dict):
                errors.append(f"{a_where}: an object with text and language is required")
                continue
            _text(alias, "text", a_where, errors, limit=200)
            _text(alias, "language", a_where, errors, limit=16, need=False)


def _check_parties_once_per_conflict(entries: list, errors: list[str]) -> None:
    """A party speaks for one side of a conflict (Alignment.clean): two sides naming it is an
    error in the file, not a choice to make silently."""
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        seen: dict[str, str] = {}
        groups = [(s.get("name"), s.get("parties", [])) for s in entry.get("sides") or []]
        groups += [(p.get("name"), [p]) for p in entry.get("third_parties") or []]
        for side_name, parties in groups:
            for party in parties if isinstance(parties, list) else []:
                name = party.get("name") if isinstance(party, dict) else None
                if not isinstance(name, str):
                    continue
                if name in seen and seen[name] != side_name:
                    errors.append(
                        f"conflicts[{index}] ({entry.get('name')}): party {name!r} is on two "
                        f"sides ({seen[name]!r} and {side_name!r})"
                    )
                seen[name] = side_name


def _write_conflict(entry: dict, summary: ImportSummary) -> None:
    conflict, created = Conflict.objects.update_or_create(
        slug=entry["slug"],
        defaults={"name": entry["name"], **_optional(entry, "description")},
    )
    summary.count("conflicts", created)
    for side_data in entry["sides"]:
        country = side_data.get("country") or common_country(side_data.get("parties", []))
        side = _write_side(
            conflict, {**side_data, "country": country}, SideRole.BELLIGERENT, summary
        )
        for party_data in side_data.get("parties", []):
            _write_party(side, party_data, summary)
    for party_data in entry.get("third_parties", []):
        side_data = {"name": party_data["name"], "country": party_data.get("country")}
        side = _write_side(conflict, side_data, SideRole.THIRD_PARTY, summary)
        _write_party(side, party_data, summary)


def _optional(obj: dict, key: str) -> dict[str, Any]:
    return {key: obj[key]} if obj.get(key) is not None else {}


def _write_side(conflict: Conflict, data: dict, role: str, summary: ImportSummary) -> Side:
    side, created = Side.objects.update_or_create(
        conflict=conflict,
        name=data["name"],
        defaults={
            "role": data.get("role") or role,
            "country_code": (data.get("country") or "").upper(),
        },
    )
    summary.count("sides", created)
    return side


def _write_party(side: Side, data: dict, summary: ImportSummary) -> None:
    party, created = Party.objects.update_or_create(
        name=data["name"],
        defaults={
            "kind": party_kind(data.get("kind") or ""),
            "country_code": (data.get("country") or "").upper(),
            **_optional(data, "short_name"),
        },
    )
    summary.count("parties", created)
    party_align(party=party, side=side)
    known = set(
        PartyAlias.objects.filter(party=party).annotate(t=Lower("text")).values_list("t", flat=True)
    )
    for alias in data.get("aliases", []):
        text = alias["text"].strip()
        if text.lower() in known:
            continue
        known.add(text.lower())
        alias_add(
            party=party,
            text=text,
            language=alias.get("language") or "",
            metonym=bool(alias.get("metonym", False)),
        )
        summary.count("aliases", True)


# --- The set-up pages' writes. The import above and the pages go through the same functions:
# party_align (one side per conflict) and alias_add (no case-insensitive duplicate).


def _free_slug(name: str, conflict: Conflict) -> str:
    """An address name made from NAME (punctuation, dashes included, parts words), numbered
    when another conflict has it already."""
    base = slugify(re.sub(r"[^\w\s-]", " ", name))[:45].strip("-") or "conflict"
    others = Conflict.objects.exclude(pk=conflict.pk) if conflict.pk else Conflict.objects.all()
    taken = set(others.filter(slug__startswith=base).values_list("slug", flat=True))
    return next(
        slug
        for n in range(1, len(taken) + 2)
        if (slug := base if n == 1 else f"{base}-{n}") not in taken
    )


def conflict_save(
    *, conflict: Conflict | None = None, name: str, slug: str = "", description: str = ""
) -> Conflict:
    """Create or edit a conflict (its name, address and description); an address name left
    empty is made from the name."""
    conflict = conflict or Conflict()
    slug = slug or _free_slug(name, conflict)
    conflict.name, conflict.slug, conflict.description = name, slug, description
    conflict.full_clean()
    conflict.save()
    return conflict


class SideDetails(TypedDict):
    """A side as side_save takes it."""

    name: str
    role: str
    country: str


@transaction.atomic
def conflict_create_with_sides(*, sides: list[SideDetails], **details: Any) -> Conflict:
    """A new conflict (conflict_save's DETAILS) with the sides named at once (side_save's
    name, role and country each): all or nothing."""
    conflict = conflict_save(**details)
    for side in sides:
        side_save(conflict=conflict, **side)
    return conflict


def side_save(
    *, conflict: Conflict, side: Side | None = None, name: str, role: str, country: str = ""
) -> Side:
    """Create or edit a side of CONFLICT: a belligerent or a third party."""
    side = side or Side(conflict=conflict)
    side.name, side.role, side.country_code = name, role, country.upper()
    side.full_clean()
    side.save()
    return side


def party_save(
    *,
    side: Side,
    party: Party | None = None,
    name: str,
    kind: str,
    country: str = "",
    short_name: str = "",
) -> Party:
    """Create or edit a party and put it on SIDE, in one transaction: a party whose alignment
    could not be written is not left without a side. The name is a party's identity, as in the
    import: adding a name that exists (a party of another conflict) aligns that party here."""
    party = party or Party.objects.filter(name=name).first() or Party()
    party.name, party.kind = name, kind
    party.country_code, party.short_name = country.upper(), short_name
    party.full_clean()
    with transaction.atomic():
        party.save()
        party_align(party=party, side=side)
    return party


def party_align(*, party: Party, side: Side) -> None:
    """Put PARTY on SIDE. A party speaks for one side of a conflict, so an alignment on
    another side of the same conflict moves; its sides in other conflicts stay."""
    Alignment.objects.filter(party=party, side__conflict_id=side.conflict_id).exclude(
        side=side
    ).delete()
    Alignment.objects.get_or_create(party=party, side=side)


def alias_add(*, party: Party, text: str, language: str = "", metonym: bool = False) -> PartyAlias:
    """A name enrichment will recognise PARTY by. The same text in another case is the same
    alias (the database refuses it too): refused in words, not a 500."""
    text = text.strip()
    if PartyAlias.objects.filter(party=party, text__iexact=text).exists():
        raise ValidationError(
            {
                "text": _("%(party)s already has the alias “%(text)s”.")
                % {"party": party, "text": text}
            }
        )
    alias = PartyAlias(party=party, text=text, language=language.strip(), is_metonym=metonym)
    alias.full_clean()
    alias.save()
    return alias


def alias_delete(*, alias: PartyAlias) -> None:
    """Enrichment stops recognising the party by this name from the next text on."""
    alias.delete()
