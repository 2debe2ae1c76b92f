import csv
import io
import json

import feedparser
from geojson_pydantic import FeatureCollection
from pyld import jsonld

from tracker.enums import Verdict
from tracker.models import Claim, Incident
from tracker.services.claims import claim_set_verdict
from tracker.web.claimreview import incident_claimreview_jsonld, jsonld_script
from tracker.web.csvstream import safe_cell


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_atom_feed_parses_with_positions_per_side(client, demo):
    response = client.get("/feeds/incidents.atom")
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert not feed.bozo
    assert feed.version == "atom10"
    (entry,) = feed.entries
    assert entry.title == demo.incident.title
    assert entry.link == f"http://testserver/p/incidents/{demo.incident.pk}/"
    content = entry.content[0].value
    assert "<h3>Who started it</h3>" in content
    assert "<strong>Armenia:</strong> Azerbaijani units fired first" in content
    assert "<strong>Azerbaijan:</strong> Armenian forces opened fire first." in content


def test_atom_feed_per_conflict_and_party_and_filter(client, demo):
    slug = demo.conflict.slug
    party = demo.statements["Armenia"].party_id
    assert len(feedparser.parse(client.get(f"/feeds/conflicts/{slug}.atom").content).entries) == 1
    assert len(feedparser.parse(client.get(f"/feeds/parties/{party}.atom").content).entries) == 1
    filtered = client.get("/feeds/incidents.atom?type=air_strike")
    assert feedparser.parse(filtered.content).entries == []
    assert client.get("/feeds/conflicts/nowhere.atom").status_code == 404
    bad = client.get("/feeds/incidents.atom?type=picnic")
    assert bad.status_code == 400
    assert "type" in bad.json()


def test_json_feed_lists_incident(client, demo):
    response = client.get("/feeds/incidents.json")
    body = response.json()
    assert response["Content-Type"] == "application/feed+json"
    assert body["version"] == "https://jsonfeed.org/version/1.1"
    assert [item["title"] for item in body["items"]] == [demo.incident.title]
    assert "Who started it" in body["items"][0]["content_html"]


def test_geojson_is_valid_and_honours_bbox(client, demo):
    Incident.objects.filter(pk=demo.incident.pk).update(latitude=40.9, longitude=45.2)
    body = json.loads(_body(client.get("/feeds/incidents.geojson")))
    collection = FeatureCollection.model_validate(body)
    (feature,) = collection.features
    assert list(feature.geometry.coordinates) == [45.2, 40.9]
    assert feature.properties["dispute_status"] == "disputed"
    outside = json.loads(_body(client.get("/feeds/incidents.geojson?bbox=0,0,1,1")))
    assert outside == {"type": "FeatureCollection", "features": []}


def test_claims_csv_one_row_per_claim(client, demo):
    claim_set_verdict(claim=demo.claims[("Armenia", "casualties")], verdict=Verdict.CORROBORATED)
    response = client.get("/feeds/claims.csv")
    assert response.streaming
    rows = list(csv.DictReader(io.StringIO(_body(response).decode("utf-8-sig"))))
    assert len(rows) == Claim.objects.count()
    casualties = next(r for r in rows if r["aspect"] == "casualties")
    assert (casualties["side"], casualties["wounded_min"], casualties["verdict"]) == (
        "Armenia",
        "1",
        "corroborated",
    )
    assert casualties["citation_count"] == "1"


def test_incidents_and_citations_csv(client, demo):
    incidents = list(
        csv.DictReader(io.StringIO(_body(client.get("/feeds/incidents.csv")).decode("utf-8-sig")))
    )
    assert [row["title"] for row in incidents] == [demo.incident.title]
    citations = list(
        csv.DictReader(io.StringIO(_body(client.get("/feeds/citations.csv")).decode("utf-8-sig")))
    )
    assert {row["incident"] for row in citations} == {str(demo.incident.pk)}
    assert len(citations) == len(demo.claims) + 2


def test_csv_cells_cannot_start_formulas(client, demo):
    Incident.objects.filter(pk=demo.incident.pk).update(title='=HYPERLINK("http://x")')
    body = _body(client.get("/feeds/incidents.csv")).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[1][2] == '\'=HYPERLINK("http://x")'
    assert [safe_cell(v) for v in ("+1", "-2", "@a", "\tx", 5, None)] == [
        "'+1",
        "'-2",
        "'@a",
        "'\tx",
        5,
        "",
    ]


def test_claimreview_jsonld_expands_as_schema_org(demo):
    claim_set_verdict(claim=demo.claims[("Armenia", "initiator")], verdict=Verdict.CONTESTED)
    reviews = incident_claimreview_jsonld(demo.incident, base_url="https://example.org")
    (review,) = reviews
    assert review["reviewRating"]["ratingValue"] == 3
    assert review["itemReviewed"]["firstAppearance"]["url"].startswith("https://www.rferl.org/")
    context = {"@vocab": "https://schema.org/"}
    expanded = jsonld.expand({**review, "@context": context})
    assert expanded[0]["@type"] == ["https://schema.org/ClaimReview"]
    claim = expanded[0]["https://schema.org/itemReviewed"][0]
    assert claim["@type"] == ["https://schema.org/Claim"]
    assert "https://schema.org/appearance" in claim


def test_jsonld_script_cannot_be_closed_by_text(demo):
    html = jsonld_script([{"text": "</script><script>alert(1)</script>"}])
    assert html.startswith('<script type="application/ld+json">')
    assert html.count("</script>") == 1
    assert "\\u003C/script\\u003E" in html
