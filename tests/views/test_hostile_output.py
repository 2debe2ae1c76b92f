"""Row 5: markup, script, javascript: URLs and spreadsheet formulas put into every field that
comes from outside are inert in every page and every export."""

import csv
import io
import json
import re

import pytest
from django.urls import reverse

from tracker.enums import EditorialState, Verdict
from tracker.models import Claim, Incident, Outlet, Party, Source, Statement

SCRIPT = "<script>alert('xss')</script>"
IMG = '<img src=x onerror="alert(1)">'
LINK = '<a href="javascript:alert(2)">click</a>'
CLOSE_JSONLD = "</script><script>alert(3)</script>"
FORMULA = '=cmd|" /C calc"!A0'
HOSTILE = f"{FORMULA} {SCRIPT} {IMG} {LINK} {CLOSE_JSONLD}"
# What must never reach a browser as markup, or a spreadsheet as a formula.
LIVE_MARKUP = re.compile(
    r"<script>alert|<img src=x|<a href=\"javascript:|</script><script>alert", re.IGNORECASE
)


@pytest.fixture
def hostile_incident(demo, editor):  # type: ignore[no-untyped-def]
    """The demo incident with every text field from outside replaced by hostile text (bulk
    updates, as an importer or a raw fix would write them), published."""
    incident = Incident.objects.get()
    Incident.objects.update(
        title=f"{HOSTILE} strike",
        summary=f"{HOSTILE} summary",
        place=f"{HOSTILE} place",
        state=EditorialState.PUBLISHED,
        latitude=40.1,
        longitude=45.2,
    )
    Statement.objects.update(text=f"{HOSTILE} said")
    Claim.objects.update(
        text=f"{HOSTILE} claimed", verdict_note=f"{HOSTILE} note", verdict=Verdict.FALSE
    )
    Source.objects.update(title=f"{HOSTILE} report", author=HOSTILE)
    for party in Party.objects.all():
        Party.objects.filter(pk=party.pk).update(name=f"{FORMULA}{party.pk} {SCRIPT}")
    Outlet.objects.update(name=f"{HOSTILE} outlet")
    return incident


def _strings(data: object) -> list[str]:
    """Every string value anywhere in parsed JSON."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        data = list(data.values())
    if isinstance(data, list):
        return [s for item in data for s in _strings(item)]
    return []


def _assert_inert_html(body: str) -> None:
    assert LIVE_MARKUP.search(body) is None, LIVE_MARKUP.search(body)
    assert "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;" in body
    # Any JSON-LD block closes exactly once: a "</script>" in the data cannot end it early.
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', body, re.S):
        assert any(SCRIPT in text for text in _strings(json.loads(block)))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page", ["tracker:incident-detail", "tracker:public-incident", "tracker:incident-list"]
)
def test_hostile_text_inert_in_incident_pages(page, hostile_incident, client, editor):
    client.force_login(editor)
    args = [] if page.endswith("list") else [hostile_incident.pk]
    response = client.get(reverse(page, args=args))
    assert response.status_code == 200
    _assert_inert_html(response.content.decode())


@pytest.mark.django_db
def test_hostile_text_inert_in_public_page_jsonld(hostile_incident, client):
    body = client.get(reverse("tracker:public-incident", args=[hostile_incident.pk])).content
    blocks = re.findall(rb'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    assert len(blocks) == 1
    assert b"</script" not in blocks[0].lower()
    assert f"{HOSTILE} claimed" in _strings(json.loads(blocks[0]))


@pytest.mark.django_db
def test_hostile_text_inert_in_source_page(hostile_incident, client, editor):
    client.force_login(editor)
    source = Source.objects.first()
    response = client.get(reverse("tracker:source-detail", args=[source.pk]))
    assert response.status_code == 200
    _assert_inert_html(response.content.decode())


@pytest.mark.django_db
def test_hostile_text_inert_in_atom(hostile_incident, client):
    response = client.get(reverse("feeds:incidents-atom"))
    assert response.status_code == 200
    body = response.content.decode()
    assert LIVE_MARKUP.search(body) is None
    assert "&lt;script&gt;" in body


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["feeds:incidents-json", "feeds:incidents-geojson"])
def test_hostile_text_is_plain_json_string(name, hostile_incident, client):
    response = client.get(reverse(name))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response["Content-Type"].split(";")[0] in {
        "application/json",
        "application/geo+json",
        "application/feed+json",
    }
    data = json.loads(body)
    assert f"{HOSTILE} strike" in _strings(data)  # intact, as a JSON string
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["feeds:incidents-csv", "feeds:claims-csv", "feeds:citations-csv"])
def test_formula_cells_neutralised_in_csv(name, hostile_incident, client):
    response = client.get(reverse(name))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    cells = [cell for row in rows[1:] for cell in row]
    assert cells, "the export is empty"
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    hostile_cells = [c for c in cells if "cmd|" in c]
    assert hostile_cells
    # Each is the whole value, kept, behind the apostrophe that makes a spreadsheet show it.
    assert all(c.startswith("'" + FORMULA) for c in hostile_cells), hostile_cells[:3]
