"""Rate limits hold under concurrency: real parallel requests against a live server, each on
its own connection, spend one atomic Redis counter per caller, for the API and the feeds."""

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.models import Group

from tracker.enums import TokenScope
from tracker.services.api_tokens import api_token_create


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _rates(settings, **rates: str | None) -> None:  # type: ignore[no-untyped-def]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "token": None, "user": None, **rates},
    }


@pytest.fixture
def token_key(transactional_db, roles, django_user_model) -> str:
    user = django_user_model.objects.create_user("desk", password="pw-desk-12345")
    user.groups.add(Group.objects.get(name="Editor"))
    _, key = api_token_create(user=user, name="load", scope=TokenScope.READ, created_by=user)
    return key


@pytest.mark.slow
def test_parallel_requests_never_pass_the_limit(live_server, token_key, settings):
    _rates(settings, token="40/minute")
    url = f"{live_server.url}/api/v1/outlets/"
    headers = {"Authorization": f"Token {token_key}"}
    with ThreadPoolExecutor(max_workers=24) as pool:
        answers = list(pool.map(lambda _: _get(url, headers), range(100)))
    statuses = sorted(status for status, _, _ in answers)
    assert statuses == [200] * 40 + [429] * 60
    refused = next(answer for answer in answers if answer[0] == 429)
    assert 0 < int(refused[1]["Retry-After"]) <= 60
    assert refused[1]["Content-Type"] == "application/problem+json"
    assert json.loads(refused[2])["status"] == 429


@pytest.mark.slow
def test_feeds_and_api_spend_one_budget(live_server, transactional_db, roles, settings):
    _rates(settings, anon="6/minute")
    feeds = [f"{live_server.url}/feeds/{name}" for name in ("incidents.csv", "incidents.atom")]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(_get, feeds * 4))
    assert sorted(status for status, _, _ in answers) == [200] * 6 + [429] * 2
    status, headers, body = _get(f"{live_server.url}/api/v1/incidents/")
    assert status == 429
    assert 0 < int(headers["Retry-After"]) <= 60
    assert json.loads(body)["title"] == "Too Many Requests"


@pytest.mark.slow
def test_feed_token_is_checked_and_spends_its_own_budget(live_server, token_key, settings):
    _rates(settings, anon="1/minute", token="3/minute")
    url = f"{live_server.url}/feeds/incidents.json"
    bad = _get(url, {"Authorization": "Token cc_nonsense"})
    assert (bad[0], json.loads(bad[2])["detail"]) == (401, "Unknown or revoked token.")
    good = {"Authorization": f"Token {token_key}"}
    assert [_get(url, good)[0] for _ in range(4)] == [200, 200, 200, 429]
    assert _get(url)[0] == 200  # the anonymous budget is another one
