"""Rows 12-14 and 16: who may write, CSRF, login throttling, the API rate limit, production
settings and the Content-Security-Policy."""

import os
import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from config.security import FAILED_LOGIN_LIMIT, content_security_policy, login_failures
from tests.conftest import REPO
from tracker.enums import EditorialState, TokenScope
from tracker.models import Claim, Incident
from tracker.services.api_tokens import api_token_create


@pytest.fixture
def claim(demo) -> Claim:  # type: ignore[no-untyped-def]
    return Claim.objects.order_by("pk").first()


def _unchanged(claim: Claim) -> None:
    fresh = Claim.objects.get(pk=claim.pk)
    assert (fresh.text, fresh.verdict, fresh.version) == (claim.text, claim.verdict, claim.version)


@pytest.mark.django_db
def test_api_write_anonymous_is_401(claim, fresh_cache):
    response = APIClient().patch(
        reverse("api:claim-detail", args=[claim.pk]), {"version": 1, "verdict": "false"}, "json"
    )
    assert response.status_code == 401
    _unchanged(claim)


@pytest.mark.django_db
def test_api_write_with_read_token_is_403(claim, editor, fresh_cache):
    _, key = api_token_create(user=editor, name="dash", scope=TokenScope.READ, created_by=editor)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.patch(
        reverse("api:claim-detail", args=[claim.pk]), {"version": 1, "verdict": "false"}, "json"
    )
    assert response.status_code == 403
    _unchanged(claim)


@pytest.mark.django_db
def test_api_session_write_without_csrf_is_403(claim, editor, fresh_cache):
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(editor)
    response = api.patch(
        reverse("api:claim-detail", args=[claim.pk]), {"version": 1, "verdict": "false"}, "json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    _unchanged(claim)


@pytest.mark.django_db
def test_form_post_without_csrf_is_403(claim, editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(
        reverse("tracker:claim-verdict", args=[claim.pk]),
        {"verdict": "false", "note": "", "version": claim.version},
    )
    assert response.status_code == 403
    _unchanged(claim)


@pytest.mark.django_db
def test_journalist_publishing_is_403(demo, journalist):
    incident = Incident.objects.get()
    Incident.objects.filter(pk=incident.pk).update(state=EditorialState.IN_REVIEW)
    incident.refresh_from_db()
    client = Client()
    client.force_login(journalist)
    response = client.post(
        reverse("tracker:incident-publish", args=[incident.pk]),
        {"version": incident.version, "confirm": "yes"},
    )
    assert response.status_code == 403
    fresh = Incident.objects.get(pk=incident.pk)
    assert (fresh.state, fresh.version) == (EditorialState.IN_REVIEW, incident.version)


@pytest.mark.django_db
def test_api_over_rate_limit_is_429_with_retry_after(demo, settings, fresh_cache):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "token": "5/minute", "user": "5/minute"},
    }
    api = APIClient()
    url = reverse("api:incident-list")
    assert [api.get(url).status_code for _ in range(3)] == [200, 200, 200]
    refused = api.get(url)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "throttled" in refused.json()["detail"].lower()


def _login(client: Client, username: str, password: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_login_after_20_failures_refused_with_message(editor, fresh_cache):
    client = Client()
    for _ in range(FAILED_LOGIN_LIMIT):
        failed = _login(client, "editor", "wrong")
        assert failed.status_code == 200
        assert 'class="error" role="alert"' in failed.content.decode()
    # The right password no longer helps, and the user is told why.
    refused = _login(client, "Editor ", "pw-editor-123")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "900"
    body = refused.content.decode()
    assert "Too many failed logins for this account" in body
    assert "refused for 15 minutes" in body
    assert "_auth_user_id" not in client.session
    # Another account is not affected.
    assert _login(Client(), "someone-else", "x").status_code == 200


@pytest.mark.django_db
def test_login_success_clears_failure_count(editor, fresh_cache):
    client = Client()
    for _ in range(FAILED_LOGIN_LIMIT - 1):
        _login(client, "editor", "wrong")
    assert _login(client, "editor", "pw-editor-123").status_code == 302
    for _ in range(FAILED_LOGIN_LIMIT - 1):
        _login(Client(), "editor", "wrong")
    assert _login(Client(), "editor", "pw-editor-123").status_code == 302
    assert login_failures("editor") == 0


def test_check_deploy_with_production_settings_prints_no_warning():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "k" * 20 + "-production-like-secret-of-enough-length-0123456789",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert "WARNING" not in result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "login",
        "tracker:incident-list",
        "tracker:incident-detail",
        "tracker:public-incident",
        "api-docs",
        "api-redoc",
        "feeds:incidents-atom",
        "tracker:healthz",
    ],
)
def test_every_page_has_csp_without_unsafe_inline(name, demo, editor, client):
    client.force_login(editor)
    incident = Incident.objects.get()
    Incident.objects.update(state=EditorialState.PUBLISHED)
    args = [incident.pk] if name.endswith(("detail", "public-incident")) else []
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    if name in {"api-docs", "api-redoc"}:
        assert policy == content_security_policy(response.content)
        assert "'sha256-" in policy
    else:
        assert policy == content_security_policy()
        assert "'sha256-" not in policy
