"""Compare and decide over HTTP: what a grid cell tells (which claim a contradiction pairs with,
each claim's statement, party and date, "not addressed" versus "no statement", citations to the
archived source and the original), and merging found by search with a side-by-side preview."""

import pytest
from django.urls import reverse

from tests import factories as make
from tracker.enums import (
    Aspect,
    EditorialState,
    IncidentType,
    ProposalState,
    RevisionAction,
    RevisionState,
)
from tracker.models import Incident, PendingRevision
from tracker.services.claims import counterclaim_decide
from tracker.services.incidents import incident_create
from tracker.services.publishing import incident_merge_apply, incident_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def disputed(belligerents, editor):
    """North made two claims on who started it and one on the time; South one, contradicting
    North's first. A second incident where only North spoke."""
    north, south = belligerents.parties
    incident = make.incident(belligerents.conflict, "Clash at the pass", place="Upper pass")
    said_north, (first, second, _) = make.said(
        incident,
        north,
        "South attacked at dawn.",
        make.utc(2022, 9, 13, 6),
        {"aspect": Aspect.INITIATOR, "text": "South attacked first."},
        {"aspect": Aspect.INITIATOR, "text": "Southern drones struck the depot."},
        {"aspect": Aspect.TIMING, "text": "It began at dawn."},
    )
    _, (answer,) = make.said(
        incident,
        south,
        "North provoked it.",
        make.utc(2022, 9, 14, 9),
        {"aspect": Aspect.INITIATOR, "text": "North provoked the clash."},
    )
    report = make.source(
        "The northern ministry said South attacked first, at dawn.",
        url="https://news.example.org/pass",
    )
    cited = make.citation(report, first, "South attacked first")
    pair = make.counterclaim(answer, first, reason="They blame each other.")
    counterclaim_decide(counterclaim=pair, state=ProposalState.CONFIRMED, user=editor)
    quiet = make.incident(belligerents.conflict, "Shots near the lake", place="Lake shore")
    make.said(
        quiet,
        north,
        "Shots were heard.",
        make.utc(2022, 9, 15, 1),
        {"aspect": Aspect.INITIATOR, "text": "South fired."},
    )
    return {
        "incident": incident,
        "quiet": quiet,
        "first": first,
        "second": second,
        "answer": answer,
        "citation": cited,
        "report": report,
        "statement": said_north,
    }


def _cell(html: str, aspect: str, side: str) -> str:
    row = html[html.index(f'data-aspect="{aspect}"') :]
    row = row[: row.index("</tr>")]
    cell = row[row.index(f'<td data-side="{side}"') :]
    return cell[: cell.index("</td>")]


def test_a_contradiction_names_the_claim_it_pairs_with(client, journalist, disputed):
    client.force_login(journalist)
    html = client.get(disputed["incident"].get_absolute_url()).content.decode()
    south = _cell(html, "initiator", "South")
    assert "Contradicts" in south
    assert f'<a href="#claim-{disputed["first"].pk}">North’s claim</a>' in south
    assert '<q dir="auto">South attacked first.</q>' in south
    assert "Ministry of Defence of North</bdi> · " in south
    north = _cell(html, "initiator", "North")
    # Two claims in one cell: only the contradicted one carries the link, to South's claim.
    assert north.count('class="relation') == 1
    assert f'<a href="#claim-{disputed["answer"].pk}">South’s claim</a>' in north


def test_each_claim_shows_its_statement_party_and_date(client, journalist, disputed):
    client.force_login(journalist)
    html = client.get(disputed["incident"].get_absolute_url()).content.decode()
    north = _cell(html, "initiator", "North")
    meta = f'<p class="claim-meta"><a href="#statement-{disputed["statement"].pk}">'
    assert north.count(meta) == 2
    assert "<bdi>Ministry of Defence of North</bdi> · Website · 13 Sep 2022" in north
    assert "<bdi>Ministry of Defence of South</bdi> · Website · 14 Sep 2022" in _cell(
        html, "initiator", "South"
    )


def test_not_addressed_is_told_apart_from_no_statement(client, journalist, disputed):
    client.force_login(journalist)
    html = client.get(disputed["quiet"].get_absolute_url()).content.decode()
    # North spoke, not on the time: not addressed. South said nothing at all: no statement.
    north = _cell(html, "timing", "North")
    south = _cell(html, "timing", "South")
    assert 'class="unaddressed"' in north
    assert "not addressed" in north
    assert 'class="silent"' in south
    assert "no statement" in south
    assert "not addressed" not in south


def test_a_citation_opens_the_archived_source_at_the_passage_with_the_original_beside_it(
    client, journalist, disputed
):
    client.force_login(journalist)
    html = client.get(disputed["incident"].get_absolute_url()).content.decode()
    citation, report = disputed["citation"], disputed["report"]
    archived = reverse("tracker:source-detail", args=[report.pk]) + f"#passage-{citation.pk}"
    north = _cell(html, "initiator", "North")
    assert f'<a href="{archived}">archived source</a>' in north
    assert f'<a href="{report.url}" rel="noopener noreferrer">original</a>' in north
    page = client.get(reverse("tracker:source-detail", args=[report.pk])).content.decode()
    assert f'<span id="passage-{citation.pk}"></span><mark class="cited"' in page


def test_the_public_page_tells_the_same_with_the_original_link_only(client, editor, disputed):
    incident_publish(incident=disputed["incident"], user=editor)
    html = client.get(
        reverse("tracker:public-incident", args=[disputed["incident"].pk])
    ).content.decode()
    south = _cell(html, "initiator", "South")
    assert "North’s claim" in south
    assert "South attacked first." in south
    assert "archived source" not in html  # readers cannot open the newsroom's archive
    assert 'rel="noopener noreferrer">original</a>' in html
    assert "Ministry of Defence of North</bdi> · Website · 13 Sep 2022" in html


# Merge: search, preview, confirm.


@pytest.fixture
def candidates(belligerents, editor):
    conflict = belligerents.conflict
    duplicate = make.incident(conflict, "Report of shelling", make.utc(2022, 9, 13, 2))
    make.said(
        duplicate,
        belligerents.parties[0],
        "Shelled.",
        make.utc(2022, 9, 13, 3),
        {"aspect": Aspect.CASUALTIES, "text": "Two wounded.", "wounded_min": 2, "wounded_max": 2},
    )
    jermuk = make.incident(conflict, "Clashes near the town", make.utc(2022, 9, 13), place="Jermuk")
    goris = make.incident(conflict, "Night shelling", make.utc(2022, 9, 20), place="Goris")
    withdrawn = make.incident(conflict, "Jermuk hoax", make.utc(2022, 9, 13), place="Jermuk")
    Incident.objects.filter(pk=withdrawn.pk).update(state=EditorialState.RETRACTED)
    gone = make.incident(conflict, "Jermuk duplicate", make.utc(2022, 9, 13), place="Jermuk")
    incident_merge_apply(incident=gone, target=goris, user=editor)
    elsewhere = incident_create(
        conflict=make.conflict("east-west", ("East", "West")).conflict,
        title="Jermuk elsewhere",
        incident_type=IncidentType.SHELLING,
        occurred_start=make.utc(2022, 9, 13),
        place="Jermuk",
    )
    return {
        "duplicate": duplicate,
        "jermuk": jermuk,
        "goris": goris,
        "withdrawn": withdrawn,
        "gone": gone,
        "elsewhere": elsewhere,
    }


def _found(html: str) -> set[int]:
    return {int(part.split('"')[0]) for part in html.split('data-target="')[1:]}


def test_search_the_target_by_place_title_and_date(client, editor, candidates):
    client.force_login(editor)
    url = reverse("tracker:incident-merge", args=[candidates["duplicate"].pk])
    by_place = client.get(url, {"q": "jermuk"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in by_place  # htmx gets the results alone
    # Retracted, merged away, of another conflict: never offered.
    assert _found(by_place) == {candidates["jermuk"].pk}
    assert _found(client.get(url, {"q": "night shelling"}).content.decode()) == {
        candidates["goris"].pk
    }
    assert _found(client.get(url, {"q": "2022-09-20"}).content.decode()) == {candidates["goris"].pk}
    assert _found(client.get(url, {"q": "13 Sep 2022"}).content.decode()) == {
        candidates["jermuk"].pk
    }
    # No query: the latest candidates, never the incident itself.
    everything = _found(client.get(url).content.decode())
    assert everything == {candidates["jermuk"].pk, candidates["goris"].pk}
    nothing = client.get(url, {"q": "atlantis"}).content.decode()
    assert "No incident matches" in nothing


def test_preview_shows_both_incidents_side_by_side_and_moves_nothing(client, editor, candidates):
    client.force_login(editor)
    duplicate, target = candidates["duplicate"], candidates["jermuk"]
    url = reverse("tracker:incident-merge", args=[duplicate.pk])
    html = client.post(url, {"target": target.pk}).content.decode()
    assert "data-merge-preview" in html
    assert "This incident (merged away)" in html
    assert "The target (kept)" in html
    assert "Claims · Casualties" in html
    assert "moves 1 statement(s), 1 claim(s) and 0 citation(s)" in html
    assert duplicate.statements.count() == 1

    response = client.post(url, {"target": target.pk, "confirm": "yes", "note": "Same clash"})
    assert response.status_code == 302
    assert response["Location"] == target.get_absolute_url()
    assert Incident.objects.get(pk=duplicate.pk).merged_into_id == target.pk
    assert target.statements.count() == 1


def test_merging_into_a_published_target_waits_for_approval(client, editor, candidates):
    client.force_login(editor)
    duplicate, target = candidates["duplicate"], candidates["jermuk"]
    incident_publish(incident=target, user=editor)
    url = reverse("tracker:incident-merge", args=[duplicate.pk])
    assert (
        "waits for an editor's approval" in client.post(url, {"target": target.pk}).content.decode()
    )
    client.post(url, {"target": target.pk, "confirm": "yes"})
    assert (
        PendingRevision.objects.get(action=RevisionAction.MERGE, target_id=duplicate.pk).state
        == RevisionState.PENDING
    )
    assert Incident.objects.get(pk=duplicate.pk).merged_into_id is None


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("", "Choose the incident to merge into: search by title, place or date."),
        ("abc", "That incident cannot be a target"),
        ("withdrawn", "That incident cannot be a target"),
        ("gone", "That incident cannot be a target"),
        ("elsewhere", "That incident cannot be a target"),
        ("duplicate", "That incident cannot be a target"),
        ("999999", "That incident cannot be a target"),
    ],
)
def test_a_bad_target_is_refused_in_words(client, editor, candidates, target, message):
    client.force_login(editor)
    duplicate = candidates["duplicate"]
    value = candidates[target].pk if target in candidates else target
    url = reverse("tracker:incident-merge", args=[duplicate.pk])
    response = client.post(url, {"target": value, "confirm": "yes"})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Incident.objects.get(pk=duplicate.pk).merged_into_id is None


@pytest.mark.parametrize("group", ["Journalist", "Viewer"])
def test_only_editors_merge(role_client, candidates, group):
    client, _ = role_client(group)
    url = reverse("tracker:incident-merge", args=[candidates["duplicate"].pk])
    assert client.get(url, {"q": "jermuk"}).status_code == 403
    response = client.post(url, {"target": candidates["jermuk"].pk, "confirm": "yes"})
    assert response.status_code == 403
    assert Incident.objects.get(pk=candidates["duplicate"].pk).merged_into_id is None


def test_a_merged_incident_has_no_merge_page(client, editor, candidates):
    client.force_login(editor)
    assert (
        client.get(reverse("tracker:incident-merge", args=[candidates["gone"].pk])).status_code
        == 404
    )
