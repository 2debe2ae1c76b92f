"""What an editor's tool writes through the API: statements, claims, counterclaim decisions,
sources (by URL through the ingest fetcher, or with text) and citations, each through the
services the pages use, with their checks."""

import pytest
from django.urls import reverse

from tracker.enums import Aspect, ProposalState
from tracker.models import Citation, Claim, Counterclaim, Party, Source, Statement

ARTICLE = "data/articles/newspaper4k/cnn_article.html"


def _party(demo, name: str) -> Party:  # type: ignore[no-untyped-def]
    return Statement.objects.filter(incident=demo.incident, party__name__icontains=name)[0].party


def test_statement_create_and_delete(editor_api, demo):
    party = _party(demo, "Armenia")
    response = editor_api.post(
        reverse("api:statement-list"),
        {
            "incident": demo.incident.pk,
            "party": party.pk,
            "text": "The ministry denies the report.",
            "channel": "telegram",
            "issued_at": "2022-09-23T09:00:00Z",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["incident"], body["party"], body["channel"], body["claim_count"]) == (
        demo.incident.pk,
        party.pk,
        "telegram",
        0,
    )
    assert body["issued_at"] == "2022-09-23T09:00:00Z"
    url = reverse("api:statement-detail", args=[body["id"]])
    assert editor_api.delete(url).status_code == 204
    assert not Statement.objects.filter(pk=body["id"]).exists()
    assert editor_api.delete(url).status_code == 404


def test_statement_by_party_without_side_is_422_nothing_stored(editor_api, demo):
    stray = Party.objects.create(name="Nobody's ministry", kind=_party(demo, "Armenia").kind)
    before = Statement.objects.count()
    response = editor_api.post(
        reverse("api:statement-list"),
        {"incident": demo.incident.pk, "party": stray.pk, "text": "Said something."},
        format="json",
    )
    assert response.status_code == 422
    assert "has no side in" in response.json()["errors"]["party"][0]
    assert Statement.objects.count() == before


def test_claim_create_and_delete(editor_api, demo):
    statement = Statement.objects.filter(incident=demo.incident).first()
    response = editor_api.post(
        reverse("api:claim-list"),
        {
            "statement": statement.pk,
            "aspect": Aspect.CASUALTIES,
            "text": "Two soldiers were wounded.",
            "wounded_min": 2,
            "wounded_max": 2,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["statement"], body["wounded_min"], body["version"]) == (statement.pk, 2, 1)
    assert editor_api.delete(reverse("api:claim-detail", args=[body["id"]])).status_code == 204
    assert not Claim.objects.filter(pk=body["id"]).exists()


def test_claim_with_impossible_figures_is_400(editor_api, demo):
    statement = Statement.objects.filter(incident=demo.incident).first()
    response = editor_api.post(
        reverse("api:claim-list"),
        {"statement": statement.pk, "aspect": "casualties", "text": "x", "killed_min": -3},
        format="json",
    )
    assert response.status_code == 400
    assert "killed_min" in response.json()["errors"]


def test_counterclaim_dismiss_and_confirm(editor_api, api, demo):
    pair = Counterclaim.objects.first()
    listed = api.get(reverse("api:counterclaim-list")).json()["results"]
    assert pair.pk in [row["id"] for row in listed]
    # The demo incident is published: each decision is held until an editor approves it.
    dismissed = editor_api.post(reverse("api:counterclaim-dismiss", args=[pair.pk]))
    assert dismissed.status_code == 202
    approve = reverse("api:revision-approve", args=[dismissed.json()["revision"]])
    assert editor_api.post(approve).status_code == 200
    pair.refresh_from_db()
    assert pair.state == ProposalState.DISMISSED
    assert pair.pk not in [
        row["id"] for row in api.get(reverse("api:counterclaim-list")).json()["results"]
    ]
    confirmed = editor_api.post(
        reverse("api:counterclaim-confirm", args=[pair.pk]),
        {"relation": "qualifies"},
        format="json",
    )
    assert confirmed.status_code == 202
    approve = reverse("api:revision-approve", args=[confirmed.json()["revision"]])
    assert editor_api.post(approve).status_code == 200
    pair.refresh_from_db()
    assert (pair.state, pair.relation) == (ProposalState.CONFIRMED, "qualifies")
    assert api.post(reverse("api:counterclaim-dismiss", args=[pair.pk])).status_code == 401


def test_source_with_text_then_citation_checked_against_offsets(editor_api, demo):
    created = editor_api.post(
        reverse("api:source-list"),
        {
            "url": "https://example.org/report?utm_source=x",
            "title": "Report",
            "text": "Shelling began at 07:40. One soldier was wounded.",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    source = Source.objects.get(pk=created.json()["id"])
    assert source.url == "https://example.org/report"
    claim = demo.claims[("Armenia", "timing")]
    url = reverse("api:citation-list")
    wrong = editor_api.post(
        url,
        {"source": source.pk, "claim": claim.pk, "excerpt": "07:40", "start_offset": 3},
        format="json",
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"]["excerpt"] == ["The source's text at 3–8 is not this excerpt."]
    mismatch = editor_api.post(
        url,
        {
            "source": source.pk,
            "claim": claim.pk,
            "excerpt": "07:40",
            "start_offset": 18,
            "end_offset": 30,
        },
        format="json",
    )
    assert mismatch.json()["errors"] == {
        "end_offset": ["Must be start_offset plus the excerpt's length."]
    }
    both = editor_api.post(
        url,
        {"source": source.pk, "claim": claim.pk, "statement": claim.statement_id, "excerpt": "x"},
        format="json",
    )
    assert both.json()["detail"] == "A citation supports either a claim or a statement."
    good = editor_api.post(
        url,
        {"source": source.pk, "claim": claim.pk, "excerpt": "07:40", "start_offset": 18},
        format="json",
    )
    assert good.status_code == 201
    assert (good.json()["start_offset"], good.json()["end_offset"]) == (18, 23)
    citation = Citation.objects.get(pk=good.json()["id"])
    assert citation.added_by is not None
    assert editor_api.delete(reverse("api:citation-detail", args=[citation.pk])).status_code == 204
    assert not Citation.objects.filter(pk=citation.pk).exists()


def test_source_by_url_is_fetched_extracted_and_archived(editor_api, demo, server):
    response = editor_api.post(
        reverse("api:source-list"), {"url": server.url(ARTICLE)}, format="json"
    )
    assert response.status_code == 201, response.content
    source = Source.objects.get(pk=response.json()["id"])
    assert len(source.text) > 500
    assert source.snapshot_sha256
    assert response.json()["title"] == source.title != ""
    again = editor_api.post(reverse("api:source-list"), {"url": server.url(ARTICLE)}, format="json")
    assert again.json()["id"] == source.pk
    # The page's canonical address is on another domain than the server's, so it is refused
    # and the source keeps the fetched address: the second request finds it without a fetch.
    assert server.hits(ARTICLE) == 1
    assert Source.objects.filter(title=source.title).count() == 1


@pytest.mark.parametrize(
    ("path", "reason"),
    [("/status/500", "500"), ("/wrong-type", "not an HTML page"), ("/redirect-private", "")],
)
def test_source_by_url_that_cannot_be_had_is_422_nothing_stored(
    editor_api, demo, server, path, reason
):
    before = Source.objects.count()
    response = editor_api.post(reverse("api:source-list"), {"url": server.url(path)}, format="json")
    assert response.status_code == 422
    message = response.json()["errors"]["url"][0]
    assert message.startswith("The page could not be had: ")
    assert reason in message
    assert Source.objects.count() == before


def test_source_by_private_url_is_refused(editor_api, demo):
    response = editor_api.post(
        reverse("api:source-list"), {"url": "http://10.1.2.3/page"}, format="json"
    )
    assert response.status_code == 422
    assert "not public" in response.json()["errors"]["url"][0]


def test_read_token_and_viewer_cannot_write(api, read_key, demo):
    api.credentials(HTTP_AUTHORIZATION=f"Token {read_key}")
    statement = Statement.objects.filter(incident=demo.incident).first()
    assert api.delete(reverse("api:statement-detail", args=[statement.pk])).status_code == 403
    assert Statement.objects.filter(pk=statement.pk).exists()
