import pytest

from tracker.enrich.parties import PartyMatcher
from tracker.enrich.types import PartyEntry, SideInfo
from tracker.models import Party, PartyAlias
from tracker.selectors.parties import database_matcher


def names(matcher: PartyMatcher, text: str) -> list[tuple[str, str]]:
    return [(m.text, m.party.name) for m in matcher.find(text)]


def test_possessive_ministry_wins_over_country(matcher):
    assert names(matcher, "Armenia's Defense Ministry said") == [
        ("Armenia's Defense Ministry", "Ministry of Defence of Armenia")
    ]


def test_defence_and_defense_spellings_match_the_same_alias(matcher):
    found = names(
        matcher, "the Azerbaijani Ministry of Defense and the Azerbaijani Defence Ministry"
    )
    assert [party for _, party in found] == ["Ministry of Defence of Azerbaijan"] * 2


def test_metonyms_resolve_to_their_party(matcher):
    assert names(matcher, "Baku and Yerevan, and the Kremlin") == [
        ("Baku", "Ministry of Defence of Azerbaijan"),
        ("Yerevan", "Ministry of Defence of Armenia"),
        ("the Kremlin", "Government of the Russian Federation"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("В Министерстве обороны Армении заявили", "Ministry of Defence of Armenia"),
        ("заявили в Минобороны Азербайджана", "Ministry of Defence of Azerbaijan"),
        ("Bakü'nün suçlamalarını reddetti", "Ministry of Defence of Azerbaijan"),
        ("Azərbaycan Müdafiə Nazirliyinin məlumatına görə", "Ministry of Defence of Azerbaijan"),
        ("Հայաստանի պաշտպանության նախարարությունը հայտնում է", "Ministry of Defence of Armenia"),
        ("по данным Госпогранслужбы Азербайджана", "State Border Service of Azerbaijan"),
    ],
)
def test_inflected_forms_match(matcher, text, expected):
    assert [m.party.name for m in matcher.find(text)] == [expected]


def test_alias_inside_a_longer_word_does_not_match(matcher):
    assert names(matcher, "Armenian-backed separatists and Bakunin") == []


def test_plain_list_builds_a_matcher_without_database():
    side = SideInfo(name="North", country_code="")
    matcher = PartyMatcher(
        [PartyEntry(name="Northern Army", aliases=(("the northerners", "en", True),), side=side)]
    )
    assert names(matcher, "The Northerners said") == [("The Northerners", "Northern Army")]


@pytest.mark.django_db
def test_database_matcher_picks_up_a_new_alias_without_restart(demo):
    text = "Armenia's MoD press office said it was calm."
    assert "Ministry of Defence of Armenia" not in [
        m.party.name for m in database_matcher().find(text)
    ]
    party = Party.objects.get(name="Ministry of Defence of Armenia")
    PartyAlias.objects.create(party=party, text="Armenia's MoD press office", language="en")
    found = database_matcher().find(text)
    assert [(m.text, m.party.name, m.party.id) for m in found] == [
        ("Armenia's MoD press office", "Ministry of Defence of Armenia", party.pk)
    ]
    assert database_matcher() is database_matcher()  # cached while nothing changes
