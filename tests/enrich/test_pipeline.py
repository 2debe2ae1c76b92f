"""The pipeline on text it was not tuned on, and on bad input."""

from datetime import UTC, datetime

import pytest

from tests.plugins.enrich_data import SEED, SEED_PUBLISHED
from tracker.enrich.pipeline import enrich_document
from tracker.enums import NoProposalReason

UNSEEN = (
    "Clashes resumed on the border on Sunday.\n\n"
    "Azerbaijan's Defence Ministry said that Armenian units had fired mortars at its positions "
    "near Kalbajar at 02:15 on October 2, killing two Azerbaijani servicemen.\n\n"
    '"Our units took retaliatory measures," the ministry added.\n\n'
    "Yerevan denied the accusation. According to the Armenian Defence Ministry, Azerbaijani "
    "forces opened fire first, wounding three Armenian soldiers."
)


def test_unseen_report_statements_and_claims(matcher):
    result = enrich_document(
        UNSEEN, matcher=matcher, published_at=datetime(2022, 10, 2, 12, tzinfo=UTC)
    )
    assert result.reason == ""
    assert [(s.party.name, s.cue) for s in result.statements] == [
        ("Ministry of Defence of Azerbaijan", "said"),
        ("Ministry of Defence of Azerbaijan", "added"),
        ("Ministry of Defence of Armenia", "denied"),
        ("Ministry of Defence of Armenia", "According to"),
    ]
    claims = {(c.statement, c.aspect): c.values for c in result.claims}
    assert claims[(0, "initiator")] == {"accused_side": "Armenia"}
    assert claims[(0, "means")] == {"means": "mortars"}
    assert claims[(0, "timing")]["time_start"] == "2022-10-01T22:15:00+00:00"
    assert claims[(0, "casualties")] == {
        "casualty_side": "Azerbaijan",
        "killed_min": 2,
        "killed_max": 2,
    }
    assert (1, "retaliation") in claims
    assert claims[(3, "initiator")] == {"accused_side": "Azerbaijan"}
    assert claims[(3, "casualties")] == {
        "casualty_side": "Armenia",
        "wounded_min": 3,
        "wounded_max": 3,
    }
    relations = {(c.aspect, c.relation) for c in result.counterclaims}
    assert ("initiator", "contradicts") in relations
    assert ("casualties", "contradicts") not in relations  # different sides' losses


def test_seed_spans_are_exact_slices_of_the_text(matcher):
    text = SEED.read_text(encoding="utf-8")
    result = enrich_document(text, matcher=matcher, published_at=SEED_PUBLISHED)
    for item in [*result.statements, *result.claims]:
        assert text[item.start : item.end] == item.excerpt
    first = result.statements[0]
    assert (first.channel, first.issued_on, first.kind) == ("facebook", "2022-09-23", "direct")


def test_more_than_is_a_minimum(matcher):
    text = (
        "Armenia's Defense Ministry said more than 200 Armenian soldiers were killed in the "
        "attack by Azerbaijani forces."
    )
    casualties = [
        c for c in enrich_document(text, matcher=matcher).claims if c.aspect == "casualties"
    ]
    assert [c.values for c in casualties] == [
        {"casualty_side": "Armenia", "killed_min": 200, "killed_max": None}
    ]


def test_joint_accusation_is_not_one_sides_statement(matcher):
    text = "Baku and Yerevan accused each other of shelling. The talks went on."
    result = enrich_document(text, matcher=matcher)
    assert (result.reason, result.statements) == (NoProposalReason.NO_STATEMENT, [])


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", NoProposalReason.EMPTY_TEXT),
        ("   \n\t ", NoProposalReason.EMPTY_TEXT),
        ("x" * (5 * 1024 * 1024 + 1), NoProposalReason.TOO_LARGE),
        ("\x00\x01\x02PK\x03\x04" * 200, NoProposalReason.BINARY),
        (
            "Armenia's Defense Ministry said the border was calm.".encode("utf-16-le").decode(
                "utf-8"
            ),
            NoProposalReason.WRONG_ENCODING,
        ),
        (
            "Минобороны Армении заявило о перестрелке.".encode("utf-16-le").decode("latin-1"),
            NoProposalReason.WRONG_ENCODING,
        ),
        (
            (b"\xcf\xf0\xe8\xe2\xe5\xf2 " * 50).decode("utf-8", errors="replace"),
            NoProposalReason.WRONG_ENCODING,
        ),
        (
            "The city council said the new bridge will open in spring, the mayor added.",
            NoProposalReason.NO_PARTY,
        ),
        (
            "Аrmenia's Dеfense Ministry sаid the Аzerbaijani fоrces fired first at night " * 3,
            NoProposalReason.MIXED_SCRIPTS,
        ),
        ("Armenia's Defense Ministry published its annual budget.", NoProposalReason.NO_STATEMENT),
    ],
)
def test_bad_input_gives_a_reason_and_no_proposals(matcher, text, reason):
    result = enrich_document(text, matcher=matcher)
    assert result.reason == reason
    assert (result.statements, result.claims, result.counterclaims) == ([], [], [])
    assert result.to_dict()["reason"] == reason
