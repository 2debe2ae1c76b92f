import pytest
from django.db import connections
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker_up(client):
    response = client.get(reverse("tracker:healthz"))
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True


def test_healthz_is_503_when_the_broker_is_down(client, settings, tmp_path):
    settings.REDIS_URL = f"unix://{tmp_path / 'nothing-listens-here.sock'}"
    settings.HEALTH_CHECK_TIMEOUT = 1
    response = client.get(reverse("tracker:healthz"))
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "degraded"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is False
    assert "nothing-listens-here.sock" in body["broker"]["error"]


def test_healthz_is_down_when_the_database_is_unreachable(client, settings):
    connection = connections["default"]
    original = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["HOST"] = "/nonexistent-socket-dir"
    try:
        response = client.get(reverse("tracker:healthz"))
    finally:
        connection.close()
        connection.settings_dict.update(original)
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "down"
    assert body["database"]["ok"] is False
    assert body["broker"]["ok"] is True
