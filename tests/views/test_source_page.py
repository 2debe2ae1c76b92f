import html
import re

import pytest
from django.urls import reverse

from tests.plugins.source_data import ASTRAL_PREFIX, ASTRAL_SENTENCE
from tracker.enums import Aspect, CitationTarget
from tracker.models import Citation, Claim
from tracker.services.claims import claim_create
from tracker.services.sources import source_create

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def cite(client, source, data: dict, *, htmx: bool = True):
    """POST the source page's cite form, as htmx sends it unless told otherwise."""
    headers = HTMX if htmx else {}
    return client.post(reverse("tracker:source-detail", args=[source.pk]), data, **headers)


def _text_container(body: str) -> str:
    match = re.search(r'<div id="source-text"[^>]*>(.*?)</div>', body, re.S)
    assert match, "no text container"
    return match.group(1)


def _visible_text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_source_page_text_is_exactly_the_source_text(role_client, demo):
    client, _ = role_client("Viewer")
    body = client.get(reverse("tracker:source-detail", args=[demo.source.pk])).content.decode()
    assert _visible_text(_text_container(body)) == demo.source.text


def test_source_page_links_every_citation_to_its_claim(role_client, demo):
    client, _ = role_client("Viewer")
    body = client.get(reverse("tracker:source-detail", args=[demo.source.pk])).content.decode()
    container = _text_container(body)
    hrefs = set(re.findall(r'<mark class="cited[^"]*" data-href="([^"]+)"', container))
    incident = demo.incident.pk
    claim_links = {f"/incidents/{incident}/#claim-{claim.pk}" for claim in demo.claims.values()}
    # Two statement citations share their spans with claim citations: the narrower wins.
    assert claim_links <= hrefs | {f"/incidents/{incident}/"}
    assert len(claim_links & hrefs) == 10
    cited_text = [
        _visible_text(m) for m in re.findall(r'<mark class="cited[^>]*>(.*?)</mark>', container)
    ]
    assert "The ministry said one Armenian soldier was wounded." in cited_text
    assert "12 cited passages" in body


def test_source_page_keeps_carriage_returns_as_character_references(role_client, demo):
    source = source_create(url="https://example.org/crlf", text="Line one.\r\nLine two.")
    client, _ = role_client("Viewer")
    body = client.get(reverse("tracker:source-detail", args=[source.pk])).content.decode()
    assert _text_container(body) == "Line one.&#13;\nLine two."


def test_source_page_sets_language_and_direction(role_client, demo):
    source = source_create(
        url="https://example.org/ar", title="وزارة الدفاع", text="قالت الوزارة.", language="ar"
    )
    client, _ = role_client("Viewer")
    body = client.get(reverse("tracker:source-detail", args=[source.pk])).content.decode()
    assert '<h1 lang="ar" dir="rtl">وزارة الدفاع</h1>' in body
    assert '<div id="source-text" class="source-text" lang="ar" dir="rtl">' in body


def test_source_page_lists_near_duplicate_group(role_client, demo):
    copy = source_create(url="https://example.org/copy", title="Wire copy", text="x")
    copy.near_duplicate_of = demo.source
    copy.save()
    client, _ = role_client("Viewer")
    body = client.get(reverse("tracker:source-detail", args=[copy.pk])).content.decode()
    assert "Near-duplicate of" in body
    assert f'href="/sources/{demo.source.pk}/"' in body
    original = client.get(reverse("tracker:source-detail", args=[demo.source.pk]))
    assert "Near-duplicates of this source" in original.content.decode()
    assert f'href="/sources/{copy.pk}/"' in original.content.decode()


def test_source_page_viewer_sees_no_cite_form(role_client, demo):
    client, _ = role_client("Viewer")
    body = client.get(reverse("tracker:source-detail", args=[demo.source.pk])).content.decode()
    assert 'id="cite-form"' not in body
    assert "Read only: your role may read sources but not cite them." in body


def test_source_page_claim_parameter_preselects_claim_of_any_incident(
    role_client, demo, make_incident
):
    _, statement = make_incident("Shelling near Tavush")
    claim = claim_create(statement=statement, aspect=Aspect.MEANS, text="Mortars were used.")
    client, _ = role_client("Journalist")
    url = reverse("tracker:source-detail", args=[demo.source.pk])
    body = client.get(url, {"claim": claim.pk}).content.decode()
    assert '<optgroup label="Shelling near Tavush">' in body
    assert f'<option value="{claim.pk}" selected>' in body


@pytest.mark.parametrize("role", ["Editor", "Journalist"])
def test_cite_existing_claim_saves_exact_excerpt_and_offsets(
    role_client, demo, role, uncited_claim
):
    client, user = role_client(role)
    sentence = "In statements issued by both countries' defense ministries"
    start = demo.source.text.index(sentence)
    response = cite(
        client,
        demo.source,
        {
            "excerpt": sentence,
            "start_offset": start,
            "target": CitationTarget.CLAIM,
            "claim": uncited_claim.pk,
        },
    )
    assert response.status_code == 200
    citation = Citation.objects.get(claim=uncited_claim)
    assert (citation.excerpt, citation.start_offset, citation.end_offset) == (
        sentence,
        start,
        start + len(sentence),
    )
    assert citation.added_by == user
    body = response.content.decode()
    assert f"Cited characters {start}–{start + len(sentence)}" in body
    assert 'id="source-text" class="source-text" lang="en" dir="ltr" hx-swap-oob="true"' in body
    assert f'href="/incidents/{demo.incident.pk}/#claim-{uncited_claim.pk}"' in body


def test_cite_counts_code_points_not_utf16_units(role_client, astral_source, uncited_claim):
    client, _ = role_client("Journalist")
    start = len(ASTRAL_PREFIX)  # code points
    assert len(ASTRAL_PREFIX.encode("utf-16-le")) // 2 == start + 3  # what a browser counts
    response = cite(
        client,
        astral_source,
        {
            "excerpt": ASTRAL_SENTENCE,
            "start_offset": start,
            "target": "claim",
            "claim": uncited_claim.pk,
        },
    )
    assert response.status_code == 200
    citation = Citation.objects.get(claim=uncited_claim)
    assert (citation.start_offset, citation.end_offset) == (25, 25 + len(ASTRAL_SENTENCE))


def test_cite_excerpt_not_at_offset_shows_error_in_place(role_client, demo, uncited_claim):
    client, _ = role_client("Journalist")
    response = cite(
        client,
        demo.source,
        {
            "excerpt": "fresh accusations",
            "start_offset": 3,
            "target": "claim",
            "claim": uncited_claim.pk,
        },
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert body.startswith('<section id="cite-panel"')
    assert "The source&#x27;s text at 3–20 is not this excerpt." in body
    assert not Citation.objects.filter(claim=uncited_claim).exists()


def test_cite_typed_excerpt_missing_from_text_shows_error(role_client, demo, uncited_claim):
    client, _ = role_client("Journalist")
    response = cite(
        client,
        demo.source,
        {
            "excerpt": "words nobody wrote",
            "start_offset": "",
            "target": "claim",
            "claim": uncited_claim.pk,
        },
    )
    assert response.status_code == 422
    assert "This excerpt does not occur in the source&#x27;s text." in response.content.decode()


def test_cite_typed_excerpt_cites_first_occurrence(role_client, demo, uncited_claim):
    client, _ = role_client("Journalist")
    cite(
        client,
        demo.source,
        {"excerpt": "fresh accusations", "target": "claim", "claim": uncited_claim.pk},
    )
    citation = Citation.objects.get(claim=uncited_claim)
    assert citation.start_offset == demo.source.text.index("fresh accusations")


def test_cite_without_claim_shows_error_in_place(role_client, demo):
    client, _ = role_client("Journalist")
    before = Citation.objects.count()
    response = cite(
        client, demo.source, {"excerpt": "fresh accusations", "start_offset": 48, "target": "claim"}
    )
    assert response.status_code == 422
    assert "Choose the claim this passage supports." in response.content.decode()
    assert Citation.objects.count() == before


def test_cite_without_excerpt_asks_for_a_selection(role_client, demo, uncited_claim):
    client, _ = role_client("Journalist")
    response = cite(
        client, demo.source, {"excerpt": "", "target": "claim", "claim": uncited_claim.pk}
    )
    assert response.status_code == 422
    assert "Select a passage in the text (or type it here) to cite it." in response.content.decode()


def test_cite_new_claim_creates_claim_and_citation(role_client, demo):
    client, _ = role_client("Journalist")
    sentence = "The ministry said one Armenian soldier was wounded."
    statement = demo.statements["Armenia"]
    response = cite(
        client,
        demo.source,
        {
            "excerpt": "Armenia and Azerbaijan have traded fresh accusations",
            "start_offset": demo.source.text.index("Armenia and Azerbaijan have traded"),
            "target": "new_claim",
            "statement": statement.pk,
            "aspect": Aspect.OTHER,
            "claim_text": "Both sides traded accusations.",
        },
    )
    assert response.status_code == 200
    claim = Claim.objects.get(text="Both sides traded accusations.")
    assert (claim.statement, claim.aspect) == (statement, Aspect.OTHER)
    assert claim.citations.get().excerpt == "Armenia and Azerbaijan have traded fresh accusations"
    assert sentence  # the demo's own citation stays
    assert Citation.objects.filter(excerpt=sentence).count() == 1


def test_cite_new_claim_with_bad_excerpt_stores_neither(role_client, demo):
    client, _ = role_client("Journalist")
    claims = Claim.objects.count()
    response = cite(
        client,
        demo.source,
        {
            "excerpt": "not in the text at all",
            "start_offset": 0,
            "target": "new_claim",
            "statement": demo.statements["Armenia"].pk,
            "aspect": Aspect.OTHER,
            "claim_text": "Half-written claim.",
        },
    )
    assert response.status_code == 422
    assert Claim.objects.count() == claims
    assert not Claim.objects.filter(text="Half-written claim.").exists()


def test_cite_new_claim_missing_fields_listed(role_client, demo):
    client, _ = role_client("Journalist")
    response = cite(client, demo.source, {"excerpt": "fresh accusations", "target": "new_claim"})
    body = response.content.decode()
    assert response.status_code == 422
    for message in (
        "Choose the statement the new claim is part of.",
        "Choose what the new claim is about.",
        "Write the claim.",
    ):
        assert message in body


def test_cite_by_viewer_refused_in_place_and_nothing_stored(role_client, demo, uncited_claim):
    client, _ = role_client("Viewer")
    response = cite(
        client,
        demo.source,
        {"excerpt": "fresh accusations", "target": "claim", "claim": uncited_claim.pk},
    )
    assert response.status_code == 403
    assert (
        "Your role may read sources but not add citations or claims." in response.content.decode()
    )
    assert not Citation.objects.filter(claim=uncited_claim).exists()


def test_cite_by_viewer_without_htmx_is_forbidden(role_client, demo, uncited_claim):
    client, _ = role_client("Viewer")
    response = cite(
        client,
        demo.source,
        {"excerpt": "fresh accusations", "target": "claim", "claim": uncited_claim.pk},
        htmx=False,
    )
    assert response.status_code == 403
    assert not Citation.objects.filter(claim=uncited_claim).exists()


def test_cite_without_htmx_redirects_back_to_the_source(role_client, demo, uncited_claim):
    client, _ = role_client("Editor")
    response = cite(
        client,
        demo.source,
        {"excerpt": "fresh accusations", "target": "claim", "claim": uncited_claim.pk},
        htmx=False,
    )
    assert response.status_code == 302
    assert response["Location"] == f"/sources/{demo.source.pk}/#cite-result"
    assert Citation.objects.filter(claim=uncited_claim).count() == 1


def test_claim_search_offers_claims_of_other_incidents(role_client, demo, make_incident):
    _, statement = make_incident("Shelling near Tavush")

    claim = claim_create(statement=statement, aspect=Aspect.MEANS, text="Mortars were used.")
    client, _ = role_client("Journalist")
    response = client.get(
        reverse("tracker:source-claim-search", args=[demo.source.pk]), {"q": "tavush"}, **HTMX
    )
    body = response.content.decode()
    assert '<optgroup label="Found: Shelling near Tavush">' in body
    assert (
        f'<option value="{claim.pk}">\u2068Armenian MoD\u2069 · Weapons and means: '
        "\u2068Mortars were used.\u2069</option>" in body
    )
    assert 'id="cite-statement" hx-swap-oob="true"' in body
    assert f'<option value="{statement.pk}">' in body
    # The incidents the source is already cited in stay on offer below.
    assert demo.incident.title[:40] in body


def test_claim_search_refused_to_viewer(role_client, demo):
    client, _ = role_client("Viewer")
    response = client.get(reverse("tracker:source-claim-search", args=[demo.source.pk]), {"q": "x"})
    assert response.status_code == 403
