"""The feeds against their specifications (Atom: RFC 4287; JSON Feed 1.1; GeoJSON: RFC 7946),
and every link in them followed to the page it promises, as an anonymous reader."""

import json
import re
from urllib.parse import urlsplit

from lxml import etree

from tracker.models import Incident

ATOM = "{http://www.w3.org/2005/Atom}"
XHTML_DIV = "{http://www.w3.org/1999/xhtml}div"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")
TEXT_CONSTRUCTS = {"title", "subtitle", "summary", "rights"}
# RFC 4287 §4.1.1 and §4.1.2: (element, most allowed); a 1 here that is also in REQUIRED means
# exactly one.
FEED_CHILDREN = {
    "author": None,
    "category": None,
    "contributor": None,
    "generator": 1,
    "icon": 1,
    "id": 1,
    "link": None,
    "logo": 1,
    "rights": 1,
    "subtitle": 1,
    "title": 1,
    "updated": 1,
    "entry": None,
}
ENTRY_CHILDREN = {
    "author": None,
    "category": None,
    "content": 1,
    "contributor": None,
    "id": 1,
    "link": None,
    "published": 1,
    "rights": 1,
    "source": 1,
    "summary": 1,
    "title": 1,
    "updated": 1,
}
REQUIRED = {"id", "title", "updated"}


def _children(element: etree._Element, allowed: dict[str, int | None]) -> dict[str, list]:
    found: dict[str, list] = {}
    for child in element:
        if not isinstance(child.tag, str) or not child.tag.startswith(ATOM):
            continue  # foreign markup is allowed anywhere (§6.4)
        name = child.tag.removeprefix(ATOM)
        assert name in allowed, f"atom:{name} is not allowed in atom:{element.tag}"
        found.setdefault(name, []).append(child)
    for name, most in allowed.items():
        count = len(found.get(name, []))
        if name in REQUIRED:
            assert count == 1, f"atom:{element.tag} needs exactly one atom:{name}, has {count}"
        elif most is not None:
            assert count <= most, f"atom:{element.tag} has {count} atom:{name}"
    return found


def _text_construct(element: etree._Element) -> None:
    kind = element.get("type", "text")
    assert kind in ("text", "html", "xhtml"), f"{element.tag} type={kind}"
    if kind == "xhtml":
        assert [child.tag for child in element] == [XHTML_DIV]
    else:
        assert len(element) == 0, f"{element.tag} of type {kind} holds markup"


def _iri(value: str | None) -> None:
    assert value
    parts = urlsplit(value)
    assert parts.scheme, f"{value!r} is not an absolute IRI"


def _person(element: etree._Element) -> None:
    found = _children(element, {"name": 1, "uri": 1, "email": 1})
    assert len(found.get("name", [])) == 1, "an author needs exactly one name (§3.2)"
    assert found["name"][0].text


def _links(links: list[etree._Element]) -> list[str]:
    alternates = set()
    for link in links:
        _iri(link.get("href"))
        if link.get("rel", "alternate") == "alternate":
            key = (link.get("type"), link.get("hreflang"))
            assert key not in alternates, "two alternate links with one type and hreflang"
            alternates.add(key)
    return [link.get("href") for link in links if link.get("rel", "alternate") == "alternate"]


def _common(element: etree._Element, found: dict[str, list]) -> None:
    for name in TEXT_CONSTRUCTS & found.keys():
        _text_construct(found[name][0])
    for name in ("updated", "published"):
        for date in found.get(name, []):
            assert RFC3339.match(date.text or ""), f"{name} {date.text!r} is not RFC 3339"
    _iri(found["id"][0].text)
    for category in found.get("category", []):
        assert category.get("term")
    for person in found.get("author", []) + found.get("contributor", []):
        _person(person)


def assert_valid_atom(body: bytes) -> list[str]:
    """RFC 4287's rules for a feed document; returns the entries' alternate links."""
    root = etree.fromstring(body)
    assert root.tag == f"{ATOM}feed"
    lang = root.get("{http://www.w3.org/XML/1998/namespace}lang")
    assert lang is None or LANGUAGE_TAG.match(lang)
    feed = _children(root, FEED_CHILDREN)
    _common(root, feed)
    _links(feed.get("link", []))
    assert any(link.get("rel") == "self" for link in feed.get("link", [])), "§4.2.7.2 SHOULD"
    entry_links = []
    for entry in feed.get("entry", []):
        found = _children(entry, ENTRY_CHILDREN)
        _common(entry, found)
        # §4.1.1: an author on the feed, or on every entry.
        assert feed.get("author") or found.get("author"), "no author for this entry"
        alternates = _links(found.get("link", []))
        # §4.1.2: without content, an entry needs an alternate link.
        assert found.get("content") or alternates
        for content in found.get("content", []):
            if content.get("type", "text") in ("text", "html"):
                assert len(content) == 0
        entry_links += alternates
    return entry_links


def _follow(client, url: str):
    parts = urlsplit(url)
    assert parts.netloc == "testserver", url
    return client.get(parts.path + (f"?{parts.query}" if parts.query else ""))


def _assert_public_page(client, url: str, incident: Incident) -> None:
    response = _follow(client, url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    assert response.request["PATH_INFO"] == f"/p/incidents/{incident.pk}/"
    assert incident.title.encode() in response.content


def test_atom_is_valid_rfc4287_and_links_lead_to_the_public_page(client, demo):
    response = client.get("/feeds/incidents.atom")
    links = assert_valid_atom(response.content)
    assert links == [f"http://testserver/p/incidents/{demo.incident.pk}/"]
    for link in links:
        _assert_public_page(client, link, demo.incident)
    root = etree.fromstring(response.content)
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "Counterclaim"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


def test_atom_per_conflict_and_party_and_empty_feeds_are_valid(client, demo):
    party = demo.statements["Armenia"].party_id
    for url in (
        f"/feeds/conflicts/{demo.conflict.slug}.atom",
        f"/feeds/parties/{party}.atom",
        "/feeds/incidents.atom?type=air_strike",
    ):
        assert_valid_atom(client.get(url).content)


def test_atom_summary_is_plain_text_whatever_it_holds(client, demo):
    text = "Shelling near <b>Sotk</b> & Jermuk; 1 < 2"
    Incident.objects.filter(pk=demo.incident.pk).update(summary=text)
    body = client.get("/feeds/incidents.atom").content
    assert_valid_atom(body)
    (summary,) = etree.fromstring(body).iter(f"{ATOM}summary")
    assert (summary.get("type"), summary.text) == ("text", text)
    (content,) = etree.fromstring(body).iter(f"{ATOM}content")
    assert content.get("type") == "html"
    assert "&lt;b&gt;Sotk&lt;/b&gt; &amp; Jermuk" in content.text


def test_json_feed_is_version_1_1_with_authors_language_and_public_links(client, demo):
    body = client.get("/feeds/incidents.json").json()
    assert body["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(body["title"], str)
    assert body["authors"] == [{"name": "Counterclaim"}]
    assert body["language"] == "en"
    assert "author" not in body  # JSON Feed 1.0's field, deprecated in 1.1
    assert urlsplit(body["feed_url"]).path == "/feeds/incidents.json"
    assert "home_page_url" not in body  # the incident list is for logged-in staff
    (item,) = body["items"]
    assert isinstance(item["id"], str)
    assert item["content_html"] or item["content_text"]
    for name in ("date_published", "date_modified"):
        assert RFC3339.match(item[name])
    assert all(isinstance(tag, str) for tag in item["tags"])
    _assert_public_page(client, item["url"], demo.incident)


def test_geojson_links_lead_to_the_public_page(client, demo):
    Incident.objects.filter(pk=demo.incident.pk).update(latitude=40.9, longitude=45.2)
    response = client.get("/feeds/incidents.geojson")
    body = json.loads(b"".join(response.streaming_content))
    (feature,) = body["features"]
    _assert_public_page(client, feature["properties"]["url"], demo.incident)
