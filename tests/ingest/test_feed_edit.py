"""Editing a feed's address goes through the normalisation and uniqueness check of adding one,
through every door that edits it: the admin's change form (over HTTP, as an editor) and the API."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from tracker.enums import TokenScope
from tracker.models import Feed
from tracker.services.api_tokens import api_token_create

pytestmark = pytest.mark.django_db

# Every spelling of one address: case, default port, fragment, IDN vs punycode.
SPELLINGS = [
    "HTTP://NEWS.Example.ORG:80/feed.xml#latest",
    "http://news.example.org/feed.xml#top",
    "http://news.example.org:80/feed.xml",
]
IDN = "https://bücher.example/rss"
PUNYCODE = "https://xn--bcher-kva.example/rss"


@pytest.fixture
def editor(django_user_model):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user("desk", password="pw-desk-123", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return user


@pytest.fixture
def editor_web(client, editor):  # type: ignore[no-untyped-def]
    client.force_login(editor)
    return client


@pytest.fixture
def editor_api(editor) -> APIClient:  # type: ignore[no-untyped-def]
    _, key = api_token_create(user=editor, name="desk", scope=TokenScope.WRITE, created_by=editor)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def _change_form(feed: Feed, url: str) -> dict[str, str]:
    """The admin's change form as a browser posts it, the address replaced by URL."""
    return {
        "url": url,
        "title": feed.title,
        "tags": "",
        "poll_interval": "00:15:00",
        "is_active": "on",
        "extra_headers": "{}",
        "fetch_full_page": "on",
        "fetch_logs-TOTAL_FORMS": "0",
        "fetch_logs-INITIAL_FORMS": "0",
    }


def _feeds() -> tuple[Feed, Feed]:
    return (
        Feed.objects.create(url="http://news.example.org/feed.xml", title="News"),
        Feed.objects.create(url="http://other.example.org/feed.xml", title="Other"),
    )


def test_admin_change_form_cannot_edit_a_feed_into_another_ones_address(editor_web):
    news, other = _feeds()
    assert editor_web.get(f"/admin/tracker/feed/{other.pk}/change/").status_code == 200
    for typed in SPELLINGS:
        response = editor_web.post(
            f"/admin/tracker/feed/{other.pk}/change/", _change_form(other, typed)
        )
        assert response.status_code == 200, typed
        html = response.content.decode()
        assert f"is already registered as feed #{news.pk} (News); edit that one." in html
    other.refresh_from_db()
    assert other.url == "http://other.example.org/feed.xml"


def test_admin_change_form_normalises_the_new_address(editor_web):
    _, other = _feeds()
    Feed.objects.filter(pk=other.pk).update(etag='"old"', last_modified="yesterday")
    response = editor_web.post(
        f"/admin/tracker/feed/{other.pk}/change/",
        _change_form(other, "HTTPS://reader:pw@Other.Example.org:443/v2/feed.xml#x"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    other.refresh_from_db()
    assert (other.url, other.basic_auth) == ("https://other.example.org/v2/feed.xml", "reader:pw")
    # The old address's validators mean nothing to the new one.
    assert (other.etag, other.last_modified) == ("", "")
    # Saving the form unchanged keeps what it has.
    response = editor_web.post(
        f"/admin/tracker/feed/{other.pk}/change/", _change_form(other, other.url)
    )
    assert response.status_code == 302
    assert Feed.objects.get(pk=other.pk).basic_auth == "reader:pw"


def test_admin_change_form_folds_idn_and_punycode(editor_web):
    first = Feed.objects.create(url=PUNYCODE, title="Bücher")
    second = Feed.objects.create(url="https://elsewhere.example/rss")
    response = editor_web.post(
        f"/admin/tracker/feed/{second.pk}/change/", _change_form(second, IDN)
    )
    assert response.status_code == 200
    assert f"already registered as feed #{first.pk}" in response.content.decode()


def test_admin_change_form_refuses_a_malformed_address_in_words(editor_web):
    _, other = _feeds()
    response = editor_web.post(
        f"/admin/tracker/feed/{other.pk}/change/", _change_form(other, "ftp://other.example.org/")
    )
    assert response.status_code == 200
    assert "Not an http(s) feed address" in response.content.decode()


def test_api_patch_normalises_the_address_and_refuses_a_duplicate(editor_api):
    news, other = _feeds()
    for typed in SPELLINGS:
        response = editor_api.patch(f"/api/v1/feeds/{other.pk}/", {"url": typed}, format="json")
        # The service's refusal: 422 with the reason, as every service refusal in the API.
        assert response.status_code == 422, (typed, response.json())
        assert f"already registered as feed #{news.pk}" in str(response.json())
    response = editor_api.patch(f"/api/v1/feeds/{other.pk}/", {"url": IDN}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["url"] == PUNYCODE
    bad = {"url": "not an address"}
    response = editor_api.patch(f"/api/v1/feeds/{news.pk}/", bad, format="json")
    assert response.status_code in {400, 422}
    assert "Not an http(s) feed address" in str(response.json())
    assert Feed.objects.get(pk=news.pk).url == "http://news.example.org/feed.xml"
