import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.plugins.enrich_data import EVAL, SEED
from tracker.models import EnrichmentRun


def test_enrich_text_prints_proposals_json_without_storing(db):
    out = StringIO()
    call_command(
        "enrich_text",
        str(SEED),
        "--parties",
        "demo",
        "--published",
        "2022-09-23T12:00:00+00:00",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["reason"] == ""
    assert [s["party"] for s in data["statements"]][::3] == [
        "Ministry of Defence of Armenia",
        "Ministry of Defence of Azerbaijan",
    ]
    text = SEED.read_text(encoding="utf-8")
    first = data["statements"][0]
    assert text[first["start"] : first["end"]] == first["excerpt"]
    assert {c["aspect"] for c in data["counterclaims"]} == {
        "initiator",
        "timing",
        "location",
        "retaliation",
    }
    assert data["incident"]["incident_id"] is None

    assert not EnrichmentRun.objects.exists()


def test_enrich_text_refuses_a_naive_publication_time(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("text")
    with pytest.raises(CommandError, match="UTC offset"):
        call_command("enrich_text", str(path), "--published", "2022-09-23T12:00")


def test_evaluate_enrichment_prints_scores_per_step(db):
    out = StringIO()
    call_command("evaluate_enrichment", str(EVAL), stdout=out)
    text = out.getvalue()
    for step in ("party", "statement", "aspect", "casualty_figure", "counterclaim", "overall"):
        assert f"\n{step} " in text
    assert "[x] casualties: one Armenian wounded" in text


def test_enrich_command_reports_progress_and_summary(demo):
    out = StringIO()
    call_command("enrich", "--source", str(demo.source.pk), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"[1/1] source #{demo.source.pk} ")
    assert lines[-1].startswith("Enriched 1 source(s): 1 proposals ready;")


REPORT = (
    "Armenia's Defense Ministry said Azerbaijani forces shelled Armenian positions overnight, "
    "destroying two armoured vehicles."
)


@pytest.mark.parametrize(
    ("content", "reason", "words"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20, "binary", "not text"),
        (REPORT.encode("utf-16-le"), "wrong_encoding", "UTF-16 without a byte-order mark"),
        ("Минобороны Армении заявило".encode("utf-16-be"), "wrong_encoding", "UTF-16"),
        ("Ermenistan Savunma Bakanlığı açıkladı".encode("cp1254"), "wrong_encoding", "UTF-8"),
        (b"", "empty_text", "blank"),
        (b"a" * (5 * 1024 * 1024 + 1), "too_large", "5,242,881 bytes"),
    ],
)
def test_enrich_text_refuses_what_is_not_text_in_words(tmp_path, content, reason, words):
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    out = StringIO()
    call_command("enrich_text", str(path), "--parties", "demo", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["reason"], data["statements"]) == (reason, [])
    assert words in data["detail"]


def test_enrich_text_reads_utf16_with_a_bom_and_proposes_damage(tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes(REPORT.encode("utf-16"))
    out = StringIO()
    call_command("enrich_text", str(path), "--parties", "demo", stdout=out)
    data = json.loads(out.getvalue())
    assert data["reason"] == ""
    assert [(s["party"], s["side"], s["new_party"]) for s in data["statements"]] == [
        ("Ministry of Defence of Armenia", "Armenia", False)
    ]
    damage = next(c for c in data["claims"] if c["aspect"] == "damage")
    assert damage["values"] == {
        "damage": "destroying, vehicles",
        "damage_count": 2,
        "damage_side": "Armenia",
    }
