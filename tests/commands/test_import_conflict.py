"""manage.py import_conflict / export_conflict: idempotent, all-or-nothing, errors in words."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tracker.enrich.pipeline import enrich_document
from tracker.enums import PartyKind, SideRole
from tracker.models import Alignment, Conflict, Party, PartyAlias, Side
from tracker.selectors.parties import database_matcher

CONFLICTS = [
    {
        "name": "Insurgency in the north",
        "slug": "north-insurgency",
        "sides": [
            {
                "name": "Republic of Norland",
                "parties": [
                    {
                        "name": "Norland Defence Ministry",
                        "kind": "Ministry",
                        "country": "NO",
                        "aliases": [
                            {"text": "Norland's defence ministry", "language": "en"},
                            {"text": "Минобороны Норландии", "language": "ru"},
                        ],
                    }
                ],
            },
            {
                "name": "Northern Front",
                "parties": [
                    {
                        "name": "Northern Front",
                        "kind": "armed group",
                        "country": None,
                        "aliases": [{"text": "the Front", "language": "en"}],
                    }
                ],
            },
        ],
        "third_parties": [
            {"name": "Lakeland", "kind": "mediator state", "country": "FI", "aliases": []}
        ],
    }
]


def _import(tmp_path, data, name="conflicts.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    out = StringIO()
    call_command("import_conflict", str(path), stdout=out)
    return out.getvalue()


def _snapshot():
    return (
        sorted(Conflict.objects.values_list("slug", "name")),
        sorted(Side.objects.values_list("name", "role", "country_code")),
        sorted(Party.objects.values_list("name", "kind", "country_code")),
        sorted(Alignment.objects.values_list("party__name", "side__name")),
        sorted(PartyAlias.objects.values_list("party__name", "text", "language")),
    )


@pytest.mark.django_db
def test_import_creates_then_updates_without_duplicates(tmp_path):
    first = _import(tmp_path, CONFLICTS)
    assert "created 1 conflicts, 3 sides, 3 parties, 3 aliases" in first
    snapshot = _snapshot()
    assert snapshot[1] == [
        ("Lakeland", SideRole.THIRD_PARTY, "FI"),
        ("Northern Front", SideRole.BELLIGERENT, ""),
        ("Republic of Norland", SideRole.BELLIGERENT, "NO"),
    ]
    assert snapshot[2] == [
        ("Lakeland", PartyKind.GOVERNMENT, "FI"),
        ("Norland Defence Ministry", PartyKind.MINISTRY, "NO"),
        ("Northern Front", PartyKind.ARMED_FORCE, ""),
    ]
    again = _import(tmp_path, CONFLICTS)
    assert "created 0 conflicts, 0 sides, 0 parties, 0 aliases" in again
    assert _snapshot() == snapshot


@pytest.mark.django_db
def test_export_reads_back_to_the_same_data(tmp_path):
    _import(tmp_path, CONFLICTS)
    before = _snapshot()
    out = StringIO()
    call_command("export_conflict", "--slug", "north-insurgency", stdout=out)
    exported = json.loads(out.getvalue())
    assert [s["name"] for s in exported[0]["sides"]] == [
        "Northern Front",
        "Republic of Norland",
        "Lakeland",
    ]
    Conflict.objects.all().delete()
    Party.objects.all().delete()
    _import(tmp_path, exported, "exported.json")
    assert _snapshot() == before


@pytest.mark.django_db
def test_bad_file_names_entry_and_field_and_imports_nothing(tmp_path):
    bad = json.loads(json.dumps(CONFLICTS))
    bad[0]["sides"][0]["parties"][0]["country"] = "NOR"
    bad[0]["sides"][1]["parties"][0]["aliases"][0] = {"language": "en"}
    bad.append({"name": "Second", "slug": "second conflict", "sides": []})
    with pytest.raises(CommandError) as error:
        _import(tmp_path, bad)
    message = str(error.value)
    assert "nothing imported, 4 errors" in message
    assert (
        "conflicts[0] (Insurgency in the north).sides[0].parties[0] (Norland Defence Ministry)"
        ".country: an ISO 3166-1 alpha-2 code or null ('NOR' given)"
    ) in message
    assert ".sides[1].parties[0] (Northern Front).aliases[0].text: a non-empty string" in message
    assert "conflicts[1] (Second).slug: letters, digits, - and _ only" in message
    assert "conflicts[1] (Second).sides: a non-empty list is required" in message
    assert not Conflict.objects.exists()
    assert not Party.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"[{]", "not JSON: Expecting property name enclosed in double quotes (line 1"),
        (b"\xff\xfe[\x00]\x00", "not UTF-8"),
        (b'{"name": 3}', "conflicts[0] (3).name: a non-empty string is required"),
        (
            b'[{"name": "X", "slug": "x", "sides": [{"name": "A", "parties": [{"name": "P", '
            b'"kind": "army", "country": "am"}]}, {"name": "B", "parties": [{"name": "P"}]}]}]',
            "party 'P' is on two sides ('A' and 'B')",
        ),
    ],
)
def test_unreadable_file_is_refused_in_words(tmp_path, content, expected):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=None) as error:
        call_command("import_conflict", str(path))
    assert expected in str(error.value)
    assert not Conflict.objects.exists()


@pytest.mark.django_db
def test_imported_conflict_is_recognised_by_enrichment_without_code(tmp_path):
    _import(tmp_path, CONFLICTS)
    text = (
        "Norland's defence ministry said the Northern Front shelled two villages overnight, "
        "destroying a bridge. The Front denied it."
    )
    result = enrich_document(text, matcher=database_matcher())
    assert [(s.party.name, s.party.side.name) for s in result.statements] == [
        ("Norland Defence Ministry", "Republic of Norland"),
        ("Northern Front", "Northern Front"),
    ]
    initiator = next(c for c in result.claims if c.aspect == "initiator")
    assert initiator.values == {"accused_side": "Northern Front"}
    damage = next(c for c in result.claims if c.aspect == "damage")
    assert damage.values["damage"] == "destroying, bridge"
