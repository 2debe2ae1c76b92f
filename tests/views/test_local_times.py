"""One way to type a time on every form over HTTP: a claim's and a statement's times are
wall-clock in the incident's zone (UTC, labelled so, when it has none) on the edit forms and in
the inbox's correction, open as stored, save unchanged as nothing, and a time a clock change
skipped or repeated is refused in words."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from tracker.enums import Aspect, ProposalKind, ProposalState
from tracker.models import Claim, Incident, PendingRevision, Proposal, Statement
from tracker.models.history import event_model
from tracker.services.enrichment import source_enrich

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _value(html: str, name: str) -> str:
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html)
    return found.group(1) if found else ""


def _timing_form(client, claim: Claim) -> tuple[str, dict]:
    """The claim's edit form as opened, and what it posts back when saved unchanged."""
    html = client.get(reverse("tracker:claim-edit", args=[claim.pk]), **HTMX).content.decode()
    data = {
        "text": claim.text,
        "aspect": claim.aspect,
        "time_start": _value(html, "time_start"),
        "time_end": _value(html, "time_end"),
        "time_precision": claim.time_precision,
        "version": claim.version,
    }
    return html, data


def test_claim_edit_opens_in_the_incidents_zone_and_saves_unchanged_as_nothing(
    client, editor, demo
):
    claim = demo.claims[("Azerbaijan", Aspect.TIMING)]  # 22 Sep 20:00 – 23 Sep 05:00 UTC
    events = event_model(Claim).objects.filter(pgh_obj_id=claim.pk).count()
    client.force_login(editor)
    html, data = _timing_form(client, claim)
    assert "Start (local time, Asia/Yerevan)" in html
    assert "End (local time, Asia/Yerevan)" in html
    assert (data["time_start"], data["time_end"]) == ("2022-09-23T00:00", "2022-09-23T09:00")
    assert "Kept in UTC: saved now as 22 Sep 2022, 20:00 UTC." in html
    response = client.post(reverse("tracker:claim-edit", args=[claim.pk]), data)
    assert response.status_code == 302
    saved = Claim.objects.get(pk=claim.pk)
    assert (saved.time_start, saved.time_end, saved.version) == (
        claim.time_start,
        claim.time_end,
        claim.version,
    )
    assert not PendingRevision.objects.exists()  # published, yet nothing to approve
    assert event_model(Claim).objects.filter(pgh_obj_id=claim.pk).count() == events


def test_claim_edit_takes_local_time_and_keeps_utc(client, make_user, desk):
    client.force_login(make_user("journalist", "Journalist"))
    _html, data = _timing_form(client, desk.timing)
    assert data["time_start"] == "2022-09-13T00:00"  # 12 Sep 20:00 UTC in Yerevan
    data["time_start"] = "2022-09-13T00:05"
    response = client.post(reverse("tracker:claim-edit", args=[desk.timing.pk]), data, **HTMX)
    assert response.status_code == 200
    assert Claim.objects.get(pk=desk.timing.pk).time_start == datetime(
        2022, 9, 12, 20, 5, tzinfo=UTC
    )


def test_an_incident_without_a_zone_takes_utc_labelled_so(client, make_user, desk):
    Incident.objects.filter(pk=desk.incident.pk).update(local_timezone="")
    client.force_login(make_user("journalist", "Journalist"))
    html, data = _timing_form(client, desk.timing)
    assert "Start (UTC)" in html
    assert "The incident has no time zone: the time is in UTC." in html
    assert data["time_start"] == "2022-09-12T20:00"
    data["time_start"] = "2022-09-12T21:00"
    client.post(reverse("tracker:claim-edit", args=[desk.timing.pk]), data)
    assert Claim.objects.get(pk=desk.timing.pk).time_start == datetime(2022, 9, 12, 21, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        # Kyiv's clocks went forward at 03:00 on 27 Mar 2022 and back at 04:00 on 30 Oct 2022.
        (
            "2022-03-27T03:30",
            "03:30 on 27 Mar 2022 did not exist in Europe/Kyiv: the clocks went forward then.",
        ),
        (
            "2022-10-30T03:30",
            "03:30 on 30 Oct 2022 happened twice in Europe/Kyiv: the clocks went back then, "
            "so it was 00:30 or 01:30 UTC.",
        ),
    ],
)
def test_a_time_a_clock_change_skipped_or_repeated_is_refused_in_words(
    client, make_user, desk, typed, message
):
    Incident.objects.filter(pk=desk.incident.pk).update(local_timezone="Europe/Kyiv")
    client.force_login(make_user("journalist", "Journalist"))
    _html, data = _timing_form(client, desk.timing)
    response = client.post(
        reverse("tracker:claim-edit", args=[desk.timing.pk]), {**data, "time_start": typed}
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Claim.objects.get(pk=desk.timing.pk).time_start == desk.timing.time_start


def test_statement_edit_takes_its_issue_time_in_the_incidents_zone(client, make_user, desk):
    Statement.objects.filter(pk=desk.north.statement_id).update(
        issued_at=datetime(2022, 9, 12, 20, 5, tzinfo=UTC)
    )
    statement = Statement.objects.get(pk=desk.north.statement_id)
    client.force_login(make_user("journalist", "Journalist"))
    url = reverse("tracker:statement-edit", args=[statement.pk])
    html = client.get(url).content.decode()
    assert "Issued at (local time, Asia/Yerevan)" in html
    assert _value(html, "issued_at") == "2022-09-13T00:05"
    data = {
        "issued_at": "2022-09-13T01:00",
        "channel": statement.channel,
        "text": statement.text,
        "version": statement.version,
    }
    assert client.post(url, data).status_code == 302
    assert Statement.objects.get(pk=statement.pk).issued_at == datetime(2022, 9, 12, 21, tzinfo=UTC)


# --- The inbox's correction --------------------------------------------------------------------


@pytest.fixture
def proposal(seed_source) -> Proposal:
    """A claim proposal of the seed report, whose incident (the demo's) is in Asia/Yerevan."""
    run = source_enrich(source=seed_source)
    return run.proposals.filter(kind=ProposalKind.CLAIM).order_by("position").first()


def _correct(client, proposal: Proposal, data: dict):
    url = reverse("tracker:proposal-decide", args=[proposal.pk, "correct"])
    return client.post(url, data, **HTMX)


def test_inbox_shows_and_takes_a_claims_times_in_the_incidents_zone(client, journalist, proposal):
    Proposal.objects.filter(pk=proposal.pk).update(
        payload={**proposal.payload, "values": {"time_start": "2022-09-22T20:00:00+00:00"}}
    )
    client.force_login(journalist)
    html = client.get(reverse("tracker:inbox")).content.decode()
    card = html[html.index(f'id="time-start-{proposal.pk}"') - 400 :]
    assert "From (local time, Asia/Yerevan)" in card
    assert 'name="time_start" value="2022-09-23T00:00"' in card
    assert "Kept in UTC: proposed as 22 Sep 2022, 20:00 UTC." in card
    response = _correct(
        client,
        proposal,
        {"aspect": Aspect.TIMING, "time_start": "2022-09-23T00:05", "time_precision": "exact"},
    )
    assert response.status_code == 200
    decided = Proposal.objects.get(pk=proposal.pk)
    assert decided.state == ProposalState.CONFIRMED
    assert Claim.objects.get(pk=decided.claim_id).time_start == datetime(
        2022, 9, 22, 20, 5, tzinfo=UTC
    )


def test_inbox_refuses_a_skipped_local_time_in_words(client, journalist, proposal, demo):
    Incident.objects.filter(pk=demo.incident.pk).update(local_timezone="Europe/Kyiv")
    client.force_login(journalist)
    response = _correct(
        client, proposal, {"aspect": Aspect.TIMING, "time_start": "2022-03-27T03:30"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "From (local time, Europe/Kyiv)" in html
    assert "03:30 on 27 Mar 2022 did not exist in Europe/Kyiv" in html
    assert Proposal.objects.get(pk=proposal.pk).state == ProposalState.PROPOSED


def test_inbox_shows_a_proposals_unreadable_time_as_none(client, journalist, proposal):
    Proposal.objects.filter(pk=proposal.pk).update(
        payload={**proposal.payload, "values": {"time_start": "around midnight"}}
    )
    client.force_login(journalist)
    response = client.get(reverse("tracker:inbox"))
    assert response.status_code == 200
    assert f'id="time-start-{proposal.pk}" name="time_start" value=""' in response.content.decode()
