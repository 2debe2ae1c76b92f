"""Conflicts as data: the export that `manage.py import_conflict` reads back unchanged."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from tracker.models import Alignment, Conflict, Side


def conflict_export(*, slugs: list[str] | None = None) -> list[dict[str, Any]]:
    """Every conflict (or those of SLUGS) in the import file's shape: every side, with its
    role and country, under "sides" (so a third party's side round-trips by its own name),
    parties with kind, country and aliases. Three queries whatever the size."""
    conflicts = Conflict.objects.order_by("slug").prefetch_related(
        Prefetch("sides", queryset=Side.objects.order_by("role", "name")),
        Prefetch(
            "sides__alignments",
            queryset=Alignment.objects.select_related("party")
            .prefetch_related("party__aliases")
            .order_by("party__name"),
        ),
    )
    if slugs:
        conflicts = conflicts.filter(slug__in=slugs)
    return [
        {
            "name": conflict.name,
            "slug": conflict.slug,
            "description": conflict.description,
            "sides": [
                {
                    "name": side.name,
                    "role": side.role,
                    "country": side.country_code or None,
                    "parties": [_party(a.party) for a in side.alignments.all()],
                }
                for side in conflict.sides.all()
            ],
            "third_parties": [],
        }
        for conflict in conflicts
    ]


def _party(party: Any) -> dict[str, Any]:
    return {
        "name": party.name,
        "short_name": party.short_name,
        "kind": party.kind,
        "country": party.country_code or None,
        "aliases": [
            {"text": a.text, "language": a.language, "metonym": a.is_metonym}
            for a in sorted(party.aliases.all(), key=lambda a: (a.language, a.text))
        ],
    }
