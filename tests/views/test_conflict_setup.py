"""The conflict set-up pages over HTTP: editors only, errors in words, nothing half-written;
the navigation by role; the styled 403 and 404 pages; text that cannot reorder the page."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from tracker.enums import PartyKind, SideRole
from tracker.models import Alignment, Conflict, Incident, Party, PartyAlias, Side
from tracker.services.conflicts import alias_add, conflict_save, party_save, side_save

pytestmark = pytest.mark.django_db
RLO = "\u202e"
VOID = {"meta", "link", "input", "br", "img", "hr", "source", "wbr"}


class _Isolation(HTMLParser):
    """Text nodes holding a right-to-left override outside any <bdi>, dir= element or FSI…PDI
    (attributes do not render, so they cannot reorder anything)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []
        self.loose: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.stack.append(tag == "bdi" or any(name == "dir" for name, _ in attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        for match in re.finditer(RLO, data):
            fenced = "\u2068" in data[: match.start()] and "\u2069" in data[match.end() :]
            if not (any(self.stack) or fenced):
                self.loose.append(data.strip())


def _unisolated(html: str) -> list[str]:
    parser = _Isolation()
    parser.feed(html)
    return parser.loose


@pytest.fixture
def as_role(client: Client, django_user_model):  # type: ignore[no-untyped-def]
    def log_in(group: str) -> Client:
        user = django_user_model.objects.create_user(f"u-{group.lower()}")
        user.groups.add(Group.objects.get(name=group))
        client.force_login(user)
        return client

    return log_in


@pytest.fixture
def conflict() -> Conflict:
    conflict = conflict_save(name="Armenia–Azerbaijan", slug="am-az")
    armenia = side_save(conflict=conflict, name="Armenia", role=SideRole.BELLIGERENT, country="am")
    azerbaijan = side_save(
        conflict=conflict, name="Azerbaijan", role=SideRole.BELLIGERENT, country="AZ"
    )
    mod_am = party_save(side=armenia, name="Armenian Ministry of Defence", kind=PartyKind.MINISTRY)
    mod_az = party_save(
        side=azerbaijan, name="Azerbaijani Ministry of Defence", kind=PartyKind.MINISTRY
    )
    alias_add(party=mod_am, text="Минобороны Армении", language="ru")
    alias_add(party=mod_az, text="Baku", language="en", metonym=True)
    return conflict


def _alias(party: Party, text: str, language: str) -> dict[str, object]:
    """The add-alias form as posted."""
    return {"alias-party": party.pk, "alias-text": text, "alias-language": language}


def _setup_urls(conflict: Conflict) -> dict[str, str]:
    side = conflict.sides.first()
    party = Party.objects.filter(alignments__side__conflict=conflict).first()
    alias = PartyAlias.objects.first()
    assert side
    assert party
    assert alias
    return {
        "list": reverse("tracker:conflict-setup-list"),
        "conflict": reverse("tracker:conflict-setup", args=[conflict.slug]),
        "side": reverse("tracker:conflict-side-edit", args=[conflict.slug, side.pk]),
        "party": reverse("tracker:conflict-party-edit", args=[conflict.slug, party.pk]),
        "aliases": reverse("tracker:conflict-aliases", args=[conflict.slug]),
        "alias_delete": reverse("tracker:conflict-alias-delete", args=[conflict.slug, alias.pk]),
    }


@pytest.mark.parametrize("group", ["Journalist", "Viewer"])
def test_non_editors_get_the_styled_403_and_change_nothing(as_role, conflict, group):
    client = as_role(group)
    counts = (Conflict.objects.count(), Side.objects.count(), PartyAlias.objects.count())
    for name, url in _setup_urls(conflict).items():
        if name != "alias_delete":
            answer = client.get(url)
            assert answer.status_code == 403, (name, answer.status_code)
            assert 'class="card error-page"' in answer.text
            assert "Only editors set up conflicts." in answer.text
        answer = client.post(url, {"form": "side", "side-name": "X", "side-role": "belligerent"})
        assert answer.status_code == 403, name
    assert counts == (Conflict.objects.count(), Side.objects.count(), PartyAlias.objects.count())


def test_anonymous_is_sent_to_login(client, conflict):
    answer = client.get(reverse("tracker:conflict-setup-list"))
    assert answer.status_code == 302
    assert answer["Location"].startswith("/accounts/login/")


def test_editor_sets_up_a_conflict_through_the_pages(as_role):
    client = as_role("Editor")
    answer = client.post(
        reverse("tracker:conflict-setup-list"), {"name": "Israel–Hamas", "slug": "il-ps"}
    )
    assert answer.status_code == 302
    page = answer["Location"]
    assert page == reverse("tracker:conflict-setup", args=["il-ps"])
    for name, role, country in (
        ("Israel", "belligerent", "il"),
        ("Hamas", "belligerent", ""),
        ("Qatar", "third_party", "QA"),
    ):
        answer = client.post(
            page,
            {"form": "side", "side-name": name, "side-role": role, "side-country_code": country},
        )
        assert answer.status_code == 302, answer.content
    sides = {s.name: s for s in Side.objects.filter(conflict__slug="il-ps")}
    assert sides["Israel"].country_code == "IL"
    assert sides["Qatar"].role == SideRole.THIRD_PARTY
    answer = client.post(
        page,
        {
            "form": "party",
            "side": sides["Israel"].pk,
            f"party-{sides['Israel'].pk}-name": "Israel Defense Forces",
            f"party-{sides['Israel'].pk}-short_name": "IDF",
            f"party-{sides['Israel'].pk}-kind": "armed_force",
            f"party-{sides['Israel'].pk}-country_code": "IL",
        },
    )
    assert answer.status_code == 302
    idf = Party.objects.get(name="Israel Defense Forces")
    assert Alignment.objects.get(party=idf).side == sides["Israel"]
    aliases = reverse("tracker:conflict-aliases", args=["il-ps"])
    answer = client.post(aliases, _alias(idf, "צה״ל", "he"))
    assert answer.status_code == 302
    answer = client.post(aliases, _alias(idf, "جيش الاحتلال", "ar"))
    assert answer.status_code == 302
    assert sorted(idf.aliases.values_list("language", flat=True)) == ["ar", "he"]

    page_html = client.get(aliases).text
    assert 'lang="he" dir="auto" class="alias-text">צה״ל</span>' in page_html


def test_errors_in_words_and_nothing_written(as_role, conflict):
    client = as_role("Editor")
    page = reverse("tracker:conflict-setup", args=[conflict.slug])
    before = Side.objects.count()
    answer = client.post(
        page,
        {
            "form": "side",
            "side-name": "Armenia",
            "side-role": "belligerent",
            "side-country_code": "ARM",
        },
    )
    assert answer.status_code == 422
    assert "Two letters from ISO 3166-1" in answer.text
    answer = client.post(page, {"form": "side", "side-name": "Armenia", "side-role": "belligerent"})
    assert answer.status_code == 422
    assert "Side with this Conflict and Name already exists." in answer.text
    assert Side.objects.count() == before

    # A party needs a side of this conflict; another conflict's side is refused.
    other = conflict_save(name="Other", slug="other")
    elsewhere = side_save(conflict=other, name="Elsewhere", role=SideRole.BELLIGERENT)
    answer = client.post(
        page,
        {
            "form": "party",
            "side": elsewhere.pk,
            f"party-{elsewhere.pk}-name": "New",
            f"party-{elsewhere.pk}-kind": "ministry",
        },
    )
    assert answer.status_code == 422
    assert "that side is not one of this conflict" in answer.text
    assert not Party.objects.filter(name="New").exists()

    aliases = reverse("tracker:conflict-aliases", args=[conflict.slug])
    party = Party.objects.get(name="Azerbaijani Ministry of Defence")
    answer = client.post(aliases, _alias(party, "BAKU", "en"))
    assert answer.status_code == 422
    assert "already has the alias “BAKU”" in answer.text
    assert party.aliases.count() == 1

    answer = client.post(page, {"form": "conflict", "name": "", "slug": "no spaces"})
    assert answer.status_code == 422
    assert "This field is required." in answer.text
    conflict.refresh_from_db()
    assert conflict.slug == "am-az"


def test_party_moves_side_within_the_conflict(as_role, conflict):
    client = as_role("Editor")
    party = Party.objects.get(name="Armenian Ministry of Defence")
    azerbaijan = Side.objects.get(conflict=conflict, name="Azerbaijan")
    url = reverse("tracker:conflict-party-edit", args=[conflict.slug, party.pk])
    answer = client.post(
        url,
        {"name": party.name, "kind": "ministry", "country_code": "am", "side": azerbaijan.pk},
    )
    assert answer.status_code == 302
    assert list(Alignment.objects.filter(party=party).values_list("side", flat=True)) == [
        azerbaijan.pk
    ]
    party.refresh_from_db()
    assert party.country_code == "AM"


def test_alias_test_box_uses_enrichment_matching(as_role, conflict):
    client = as_role("Editor")
    url = reverse("tracker:conflict-aliases", args=[conflict.slug])
    text = "Минобороны Армении заявило, что Баку нарушил перемирие; Baku denied it."
    answer = client.get(url, {"text": text})
    assert answer.status_code == 200
    marks = re.findall(r'<mark data-party="([^"]+)"[^>]*>([^<]+)</mark>', answer.text)
    # Inflected Russian form of the alias, and the English metonym; "Баку" has no alias.
    assert marks == [
        ("Armenian Ministry of Defence", "Минобороны Армении"),
        ("Azerbaijani Ministry of Defence", "Baku"),
    ]
    assert "2 matches" in answer.text
    assert "side: Azerbaijan" in answer.text

    too_long = client.get(url, {"text": "x" * 20_001})
    assert too_long.status_code == 422
    assert "Ensure this value has at most 20000 characters" in too_long.text


def test_navigation_by_role(as_role):
    links = {
        "Viewer": (set(), {"Inbox", "Uncited claims", "Conflict set-up", "Deleted"}),
        "Journalist": ({"Inbox", "Uncited claims"}, {"Conflict set-up", "Deleted"}),
        "Editor": ({"Inbox", "Uncited claims", "Conflict set-up", "Deleted"}, set()),
    }
    for group, (shown, hidden) in links.items():
        client = as_role(group)
        nav = client.get(reverse("tracker:incident-list")).text.split("<nav", 1)[1]
        nav = nav.split("</nav>", 1)[0]
        for label in shown:
            assert f">{label}</a>" in nav, (group, label)
        for label in hidden:
            assert f">{label}</a>" not in nav, (group, label)
        client.logout()


def test_404_page_is_styled_and_favicon_linked(as_role):
    client = as_role("Viewer")
    answer = client.get("/no/such/page/")
    assert answer.status_code == 404
    assert 'class="card error-page"' in answer.text
    assert "Nothing at this address" in answer.text
    assert 'rel="icon"' in answer.text
    assert "favicon" in answer.text
    assert 'rel="stylesheet"' in answer.text


def test_favicon_is_served(client):
    answer = client.get("/static/tracker/favicon.svg")
    assert answer.status_code == 200
    body = b"".join(answer.streaming_content) if answer.streaming else answer.content
    assert body.startswith(b"<svg")


def test_right_to_left_override_stays_inside_its_bdi(as_role, conflict):
    Party.objects.filter(name="Armenian Ministry of Defence").update(name=f"Ministry {RLO}evil")
    conflict.name = f"Clashes {RLO}reversed"
    conflict.save()
    client = as_role("Editor")
    for url in (
        reverse("tracker:conflict-setup-list"),
        reverse("tracker:conflict-setup", args=[conflict.slug]),
        reverse("tracker:conflict-aliases", args=[conflict.slug]),
    ):
        html = client.get(url).text
        assert RLO in html
        assert _unisolated(html) == [], url


def test_500_page_renders_without_a_request():
    """Django renders 500.html with no context when something failed: it must need nothing."""
    html = render_to_string("500.html")
    assert "Something went wrong on our side" in html
    assert 'rel="stylesheet"' in html
    assert "<style" not in html
    assert "<script" not in html


def test_right_to_left_override_in_an_incident_title_stays_isolated(as_role, demo):
    Incident.objects.filter(pk=demo.incident.pk).update(title=f"Clashes {RLO}reversed")
    client = as_role("Editor")
    for url in (
        reverse("tracker:incident-list"),
        reverse("tracker:incident-detail", args=[demo.incident.pk]),
        reverse("tracker:incident-edit", args=[demo.incident.pk]),
        reverse("tracker:claims-uncited"),
    ):
        html = client.get(url).text
        assert _unisolated(html) == [], url


def test_a_party_of_another_conflict_is_added_by_its_name(as_role, conflict):
    other = conflict_save(name="Karabakh 2020", slug="karabakh-2020")
    side = side_save(conflict=other, name="Armenia", role=SideRole.BELLIGERENT, country="AM")
    client = as_role("Editor")
    answer = client.post(
        reverse("tracker:conflict-setup", args=[other.slug]),
        {
            "form": "party",
            "side": side.pk,
            f"party-{side.pk}-name": "Armenian Ministry of Defence",
            f"party-{side.pk}-kind": "ministry",
            f"party-{side.pk}-country_code": "AM",
        },
    )
    assert answer.status_code == 302
    party = Party.objects.get(name="Armenian Ministry of Defence")
    assert sorted(party.sides.values_list("conflict__slug", flat=True)) == [
        "am-az",
        "karabakh-2020",
    ]


def test_a_new_conflict_takes_its_sides_and_a_made_address_name(as_role):
    conflict_save(name="An older war", slug="border-war")
    client = as_role("Editor")
    answer = client.post(
        reverse("tracker:conflict-setup-list"),
        {
            "name": "Border–war",
            "slug": "",
            "side1-name": "Armenia",
            "side1-role": "belligerent",
            "side1-country_code": "am",
            "side2-name": "",
            "side2-role": "belligerent",
            "side2-country_code": "",
        },
    )
    assert answer.status_code == 302
    made = Conflict.objects.get(name="Border–war")
    assert made.slug == "border-war-2"  # the dash parts the words; the address is free
    assert answer["Location"] == reverse("tracker:conflict-setup", args=[made.slug])
    assert list(made.sides.values_list("name", "role", "country_code")) == [
        ("Armenia", SideRole.BELLIGERENT, "AM")  # the empty second row adds nothing
    ]


@pytest.mark.parametrize(
    ("rows", "words"),
    [
        ({"side1-name": "Armenia", "side1-country_code": "ARM"}, "Two letters from ISO 3166-1"),
        ({"side1-country_code": "AM"}, "This field is required."),
        (
            {"side1-name": "Armenia", "side2-name": "Armenia"},
            "Side with this Conflict and Name already exists.",
        ),
    ],
)
def test_a_bad_side_row_creates_no_conflict(as_role, rows, words):
    client = as_role("Editor")
    drawn = {"side1-role": "belligerent", "side2-role": "belligerent"}
    answer = client.post(
        reverse("tracker:conflict-setup-list"), {"name": "Border war", **drawn, **rows}
    )
    assert answer.status_code == 422
    assert words in answer.text
    assert (Conflict.objects.count(), Side.objects.count()) == (0, 0)


def test_add_party_in_the_sides_card_with_its_usual_kind(as_role, conflict):
    qatar = side_save(conflict=conflict, name="Qatar", role=SideRole.THIRD_PARTY, country="QA")
    armenia = conflict.sides.get(name="Armenia")
    client = as_role("Editor")
    page = reverse("tracker:conflict-setup", args=[conflict.slug])
    html = client.get(page).text
    assert 'id="add-party"' not in html  # no separate form with a side to choose
    for side, kind in ((armenia, PartyKind.MINISTRY), (qatar, PartyKind.ORGANISATION)):
        card = re.search(rf'<article [^>]*data-side="{side.name}".*?</article>', html, re.S)
        assert card
        assert f'<input type="hidden" name="side" value="{side.pk}">' in card.group(0)
        kinds = re.search(rf'<select name="party-{side.pk}-kind".*?</select>', card.group(0), re.S)
        assert kinds
        assert f'value="{kind}" selected' in kinds.group(0)
    answer = client.post(
        page,
        {
            "form": "party",
            "side": qatar.pk,
            f"party-{qatar.pk}-name": "State of Qatar mediators",
            f"party-{qatar.pk}-kind": PartyKind.ORGANISATION,
            f"party-{qatar.pk}-country_code": "QA",
        },
    )
    assert answer.status_code == 302
    party = Party.objects.get(name="State of Qatar mediators")
    assert Alignment.objects.get(party=party).side == qatar


def test_add_alias_from_a_partys_row_has_the_party_chosen(as_role, conflict):
    client = as_role("Editor")
    party = Party.objects.get(name="Armenian Ministry of Defence")
    html = client.get(reverse("tracker:conflict-setup", args=[conflict.slug])).text
    link = f"{reverse('tracker:conflict-aliases', args=[conflict.slug])}?party={party.pk}"
    assert f'href="{link}"' in html
    form = client.get(link).text
    assert f'<option value="{party.pk}" selected>' in form
    assert re.search(r'<input type="text" name="alias-text"[^>]* autofocus', form)
    ignored = client.get(f"{reverse('tracker:conflict-aliases', args=[conflict.slug])}?party=x²")
    assert ignored.status_code == 200
    assert f'value="{party.pk}" selected' not in ignored.text
