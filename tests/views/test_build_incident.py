"""Building an incident in the app over HTTP: a new incident (from the list and from a report),
a statement from a grid cell, a source by address (fetched from a real server on 127.0.0.1) or by
pasted text, the archived copy. Every refusal is in words beside its field, nothing is
half-written, and a viewer gets 403."""

from __future__ import annotations

import re
import zlib
from datetime import UTC, datetime
from html import unescape

import pytest
from django.urls import reverse

from tests import factories
from tracker.enums import Channel, EditorialState, TimePrecision, TranslationKind
from tracker.models import Incident, IncidentSource, Source, Statement

pytestmark = pytest.mark.django_db
ARTICLE = "data/articles/newspaper4k/cnn_article.html"


def _incident_form(**changes: str) -> dict[str, str]:
    values = {
        "title": "Clashes on the border at night",
        "incident_type": "armed_clash",
        "local_start": "2022-09-13T00:05",
        "local_end": "",
        "local_timezone": "Asia/Yerevan",
        "time_precision": TimePrecision.EXACT,
        "place": "Jermuk",
        "latitude": "39.84161",
        "longitude": "45.66938",
        "summary": "",
    }
    return values | changes


def _errors(html: str) -> list[str]:
    return [unescape(m) for m in re.findall(r'<p class="error" role="alert">([^<]+)</p>', html)]


@pytest.mark.parametrize("group", ["Editor", "Journalist"])
def test_list_offers_new_incident_and_creates_a_draft_in_utc(role_client, belligerents, group):
    client, _ = role_client(group)
    listed = client.get(reverse("tracker:incident-list")).content.decode()
    assert reverse("tracker:incident-new") in listed
    form = client.get(reverse("tracker:incident-new"))
    assert form.status_code == 200
    assert b"data-place-picker" in form.content
    data = _incident_form(conflict=str(belligerents.conflict.pk))
    response = client.post(reverse("tracker:incident-new"), data)
    incident = Incident.objects.get(title="Clashes on the border at night")
    assert response.status_code == 302
    assert response["Location"] == incident.get_absolute_url()
    assert incident.state == EditorialState.DRAFT
    # 00:05 in Yerevan (UTC+4) is 20:05 UTC the day before.
    assert incident.occurred_start == datetime(2022, 9, 12, 20, 5, tzinfo=UTC)
    assert incident.local_timezone == "Asia/Yerevan"
    assert incident.time_precision == TimePrecision.EXACT
    assert (incident.latitude, incident.longitude) == (39.8416, 45.6694)


def test_new_incident_defaults_to_the_conflicts_usual_zone(role_client, belligerents):
    factories.incident(belligerents.conflict, local_timezone="Asia/Baku")
    client, _ = role_client("Editor")
    html = client.get(reverse("tracker:incident-new")).content.decode()
    assert 'value="Asia/Baku"' in html


@pytest.mark.parametrize(
    ("changes", "field_error"),
    [
        ({"title": ""}, "This field is required."),
        ({"local_start": "13 September"}, "Enter a valid date/time."),
        ({"local_timezone": "Yerevan"}, "Yerevan is not an IANA time zone (e.g. Asia/Yerevan)."),
        ({"local_end": "2022-09-12T10:00"}, "The end comes before the start."),
        ({"latitude": "91"}, "Ensure this value is less than or equal to 90."),
        ({"longitude": ""}, "Give both latitude and longitude, or neither."),
        (
            {"incident_type": "riot"},
            "Select a valid choice. riot is not one of the available choices.",
        ),
        (
            {"time_precision": "minute"},
            "Select a valid choice. minute is not one of the available choices.",
        ),
    ],
)
def test_new_incident_refusals_in_words_nothing_written(
    role_client, belligerents, changes, field_error
):
    client, _ = role_client("Editor")
    data = _incident_form(conflict=str(belligerents.conflict.pk), **changes)
    response = client.post(reverse("tracker:incident-new"), data)
    assert response.status_code == 422
    assert field_error in _errors(response.content.decode())
    assert not Incident.objects.exists()


def test_viewer_cannot_create_incidents_statements_or_sources(role_client, belligerents):
    incident = factories.incident(belligerents.conflict)
    client, _ = role_client("Viewer")
    assert (
        reverse("tracker:incident-new")
        not in client.get(reverse("tracker:incident-list")).content.decode()
    )
    side = belligerents.sides[0]
    for url, data in [
        (reverse("tracker:incident-new"), _incident_form(conflict=str(belligerents.conflict.pk))),
        (
            reverse("tracker:statement-new", args=[incident.pk]) + f"?side={side.pk}",
            {
                "side": side.pk,
                "party": belligerents.parties[0].pk,
                "text": "x",
                "channel": "website",
            },
        ),
        (
            reverse("tracker:incident-source-new", args=[incident.pk]),
            {"how": "text", "url": "https://a.example/x", "text": "t"},
        ),
        (reverse("tracker:source-new"), {"how": "text", "url": "https://a.example/x", "text": "t"}),
    ]:
        assert client.get(url).status_code == 403
        assert client.post(url, data).status_code == 403
    assert Incident.objects.count() == 1
    assert not Statement.objects.exists()
    assert not Source.objects.exists()


def test_new_incident_from_a_report_is_prefilled_and_gathers_it(role_client, belligerents):
    factories.incident(belligerents.conflict, local_timezone="Asia/Yerevan")
    source = factories.source(
        title="Armenia says Azerbaijan shelled Jermuk",
        published_at=datetime(2022, 9, 13, 21, 30, tzinfo=UTC),
    )
    client, _ = role_client("Journalist")
    page = client.get(reverse("tracker:source-detail", args=[source.pk])).content.decode()
    link = reverse("tracker:incident-new") + f"?source={source.pk}"
    assert link in page
    assert "New incident from this report" in page
    form = client.get(link).content.decode()
    assert 'value="Armenia says Azerbaijan shelled Jermuk"' in form
    # 21:30 UTC is already the 14th in Yerevan: the report's day in the conflict's zone.
    assert 'value="2022-09-14T00:00"' in form
    data = _incident_form(
        conflict=str(belligerents.conflict.pk), title="Shelling of Jermuk", source=str(source.pk)
    )
    response = client.post(reverse("tracker:incident-new"), data)
    incident = Incident.objects.get(title="Shelling of Jermuk")
    assert response["Location"] == incident.get_absolute_url()
    assert IncidentSource.objects.filter(incident=incident, source=source).exists()
    detail = client.get(incident.get_absolute_url()).content.decode()
    assert reverse("tracker:source-detail", args=[source.pk]) in detail
    back = client.get(reverse("tracker:source-detail", args=[source.pk])).content.decode()
    assert incident.get_absolute_url() in back


def _statement_form(party_pk: int, side_pk: int, **changes: str) -> dict[str, str]:
    values = {
        "side": str(side_pk),
        "party": str(party_pk),
        "channel": Channel.TELEGRAM,
        "issued_local": "2022-09-13T10:40",
        "issued_timezone": "Asia/Baku",
        "original_url": "https://t.me/mod/1234",
        "text": "Армянские вооружённые силы обстреляли позиции.",
        "language": "ru",
        "translation": "Armenian forces shelled positions.",
        "translation_kind": TranslationKind.HUMAN,
    }
    return values | changes


def test_grid_offers_add_statement_per_side_and_saves_in_utc(role_client, belligerents):
    incident = factories.incident(belligerents.conflict, local_timezone="Asia/Yerevan")
    client, _ = role_client("Journalist")
    page = client.get(incident.get_absolute_url()).content.decode()
    for side in belligerents.sides:
        # each empty cell (4 core aspects) and the column header
        assert page.count(f'data-side-id="{side.pk}"') == 5
    _north, south = belligerents.sides
    url = reverse("tracker:statement-new", args=[incident.pk])
    form = client.get(f"{url}?side={south.pk}").content.decode()
    parties = re.search(r'<select name="party".*?</select>', form, re.S)
    assert parties
    assert f'value="{belligerents.parties[1].pk}"' in parties.group(0)
    assert f'value="{belligerents.parties[0].pk}"' not in parties.group(0)  # the other side's
    assert 'value="Asia/Yerevan"' in form  # the incident's zone by default
    response = client.post(url, _statement_form(belligerents.parties[1].pk, south.pk))
    statement = Statement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{incident.get_absolute_url()}#statement-{statement.pk}"
    assert statement.issued_at == datetime(2022, 9, 13, 6, 40, tzinfo=UTC)
    assert statement.channel == Channel.TELEGRAM
    assert statement.translation_kind == TranslationKind.HUMAN


def test_add_statement_with_htmx_answers_the_page_parts(role_client, belligerents):
    incident = factories.incident(belligerents.conflict)
    client, _ = role_client("Editor")
    north = belligerents.sides[0]
    url = reverse("tracker:statement-new", args=[incident.pk])
    panel = client.get(f"{url}?side={north.pk}", HTTP_HX_REQUEST="true").content.decode()
    assert panel.startswith("<form")
    assert 'hx-select="#grid-block"' in panel
    ok = client.post(
        url, _statement_form(belligerents.parties[0].pk, north.pk), HTTP_HX_REQUEST="true"
    )
    assert ok.status_code == 200
    html = ok.content.decode()
    assert 'id="grid-block"' in html
    assert 'id="statements-block"' in html
    assert "Армянские вооружённые силы" in html
    bad = client.post(
        url,
        _statement_form(belligerents.parties[0].pk, north.pk, text=""),
        HTTP_HX_REQUEST="true",
    )
    assert bad.status_code == 200
    assert bad["HX-Retarget"] == f"#statement-form-{north.pk}"
    assert bad["HX-Reselect"] == f"#statement-form-{north.pk}"
    assert "This field is required." in _errors(bad.content.decode())
    assert Statement.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field_error"),
    [
        ({"text": ""}, "This field is required."),
        (
            {"party": "other-side"},
            "Select a valid choice. That choice is not one of the available choices.",
        ),
        ({"issued_local": "yesterday"}, "Enter a valid date/time."),
        ({"issued_timezone": "Baku"}, "Baku is not an IANA time zone (e.g. Asia/Yerevan)."),
        ({"issued_timezone": ""}, "Give the zone the issue time was given in."),
        ({"original_url": "not a url"}, "Enter a valid URL."),
        ({"translation_kind": ""}, "Say who translated it: a person or a machine."),
        ({"translation": ""}, "A provenance without a translation: add the text."),
        (
            {"channel": "pigeon"},
            "Select a valid choice. pigeon is not one of the available choices.",
        ),
    ],
)
def test_add_statement_refusals_in_words_nothing_written(
    role_client, belligerents, changes, field_error
):
    incident = factories.incident(belligerents.conflict)
    client, _ = role_client("Journalist")
    north = belligerents.sides[0]
    if changes.get("party") == "other-side":
        changes = {"party": str(belligerents.parties[1].pk)}
    url = reverse("tracker:statement-new", args=[incident.pk])
    response = client.post(url, _statement_form(belligerents.parties[0].pk, north.pk, **changes))
    assert response.status_code == 422
    assert field_error in _errors(response.content.decode())
    assert not Statement.objects.exists()


def test_add_statement_for_a_side_of_another_conflict_is_404(role_client, belligerents):
    incident = factories.incident(belligerents.conflict)
    other = factories.conflict("east-west", ("East", "West"))
    client, _ = role_client("Editor")
    url = reverse("tracker:statement-new", args=[incident.pk])
    assert client.get(f"{url}?side={other.sides[0].pk}").status_code == 404
    assert client.get(url).status_code == 404


def test_source_by_text_from_the_incident_is_gathered_and_shown(role_client, belligerents):
    incident = factories.incident(belligerents.conflict)
    client, _ = role_client("Journalist")
    page = client.get(incident.get_absolute_url()).content.decode()
    url = reverse("tracker:incident-source-new", args=[incident.pk])
    assert url in page
    response = client.post(
        url,
        {
            "how": "text",
            "url": "https://news.example.am/2022/09/13/jermuk",
            "title": "Jermuk shelled",
            "published_at": "2022-09-13T08:00",
            "text": "The ministry said Jermuk was shelled overnight.",
        },
    )
    source = Source.objects.get()
    detail = reverse("tracker:source-detail", args=[source.pk])
    assert response["Location"] == f"{detail}?incident={incident.pk}"  # its claims on offer
    assert (source.title, source.text) == (
        "Jermuk shelled",
        "The ministry said Jermuk was shelled overnight.",
    )
    assert source.published_at == datetime(2022, 9, 13, 8, 0, tzinfo=UTC)
    assert IncidentSource.objects.filter(incident=incident, source=source).exists()
    detail = client.get(incident.get_absolute_url()).content.decode()
    assert "Jermuk shelled" in detail
    assert "not cited yet" in detail


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"how": "text", "url": "", "text": "t"}, "This field is required."),
        (
            {"how": "text", "url": "ftp://a.example/x", "text": "t"},
            "An address starting with http:// or https://.",
        ),
        (
            {"how": "text", "url": "https://a.example/x", "text": " "},
            "Paste the report's text (or give only its address).",
        ),
        (
            {"how": "text", "url": "https://a.example/x", "text": "t", "published_at": "soon"},
            "Enter a valid date/time.",
        ),
        (
            {"how": "carrier", "url": "https://a.example/x"},
            "Select a valid choice. carrier is not one of the available choices.",
        ),
        ({"how": "url", "url": "http://10.1.2.3/page"}, None),
        ({"how": "url", "url": "http://localhost:1/page"}, None),
    ],
)
def test_source_refusals_in_words_nothing_written(role_client, belligerents, data, field_error):
    client, _ = role_client("Journalist")
    response = client.post(reverse("tracker:source-new"), data)
    assert response.status_code == 422
    errors = _errors(response.content.decode())
    if field_error is None:
        assert errors
        assert errors[0].startswith("The page could not be had: ")
    else:
        assert field_error in errors
    assert not Source.objects.exists()


def test_private_address_is_refused_in_words(role_client, belligerents):
    client, _ = role_client("Journalist")
    response = client.post(
        reverse("tracker:source-new"), {"how": "url", "url": "http://10.1.2.3/page"}
    )
    assert "not public" in _errors(response.content.decode())[0]


def test_source_by_url_from_a_real_server_is_archived_and_reachable(
    role_client, belligerents, server
):
    incident = factories.incident(belligerents.conflict)
    client, _ = role_client("Journalist")
    response = client.post(
        reverse("tracker:incident-source-new", args=[incident.pk]),
        {"how": "url", "url": server.url(ARTICLE)},
    )
    source = Source.objects.get()
    detail = reverse("tracker:source-detail", args=[source.pk])
    assert response["Location"] == f"{detail}?incident={incident.pk}"
    assert len(source.text) > 500
    assert source.snapshot_sha256
    assert IncidentSource.objects.filter(incident=incident, source=source).exists()
    page = client.get(response["Location"]).content.decode()
    archived_url = reverse("tracker:source-archived", args=[source.pk])
    assert archived_url in page
    assert source.text[:40] in page
    archived = client.get(archived_url)
    assert archived.status_code == 200
    assert archived.content == zlib.decompress(bytes(source.snapshot))
    assert archived["Content-Security-Policy"].startswith("sandbox; default-src 'none'")
    inbox = client.get(reverse("tracker:inbox")).content.decode()
    assert reverse("tracker:source-new") in inbox
    assert reverse("tracker:source-detail", args=[source.pk]) in inbox


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/status/500", "500"),
        ("/wrong-type", "not an HTML page"),
        ("/huge", ""),
        ("/redirect-private", ""),
    ],
)
def test_source_by_url_that_cannot_be_had_says_why(role_client, belligerents, server, path, words):
    client, _ = role_client("Editor")
    response = client.post(reverse("tracker:source-new"), {"how": "url", "url": server.url(path)})
    assert response.status_code == 422
    message = _errors(response.content.decode())[0]
    assert message.startswith("The page could not be had: ")
    assert words in message
    assert not Source.objects.exists()


def test_archived_copy_missing_is_404(role_client, belligerents):
    source = factories.source()
    client, _ = role_client("Viewer")
    assert client.get(reverse("tracker:source-archived", args=[source.pk])).status_code == 404


def test_the_journalist_who_built_it_submits_it_for_review(role_client, belligerents):
    incident = factories.incident(belligerents.conflict)
    url = reverse("tracker:incident-submit", args=[incident.pk])
    viewer, _ = role_client("Viewer")
    assert url not in viewer.get(incident.get_absolute_url()).content.decode()
    assert viewer.post(url, {"version": incident.version}).status_code == 403
    journalist, _ = role_client("Journalist")
    page = journalist.get(incident.get_absolute_url()).content.decode()
    assert url in page
    assert reverse("tracker:incident-publish", args=[incident.pk]) not in page
    response = journalist.post(url, {"version": incident.version})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.state == EditorialState.IN_REVIEW
    assert "data-in-review" not in journalist.get(reverse("tracker:my-work")).content.decode()
    editor, _ = role_client("Editor")
    work = editor.get(reverse("tracker:my-work")).content.decode()
    assert f'data-in-review="{incident.pk}"' in work  # the editor finds it waiting
    assert incident.get_absolute_url() in work
