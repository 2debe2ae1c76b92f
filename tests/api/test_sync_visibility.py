"""A change whose transaction is still open while a consumer reads a page reaches that consumer
on its next pass from the page's watermark: two real connections, the app as a NOSUPERUSER role."""

import threading
from collections.abc import Callable
from datetime import UTC, datetime

import psycopg
import pytest
from django.db import close_old_connections, connection, transaction
from django.urls import reverse

from tracker.enums import IncidentType
from tracker.models import Incident
from tracker.services.incidents import incident_create, incident_update
from tracker.services.publishing import (
    incident_delete,
    incident_merge,
    incident_publish,
    incident_retract,
)
from tracker.services.revisions import revision_approve

# serialized_rollback: the flush after a transactional test would drop the groups the
# migrations create, which later tests rely on.
TWO_CONNECTIONS = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _published(conflict, title: str) -> Incident:
    return incident_publish(
        incident=incident_create(
            conflict=conflict,
            title=title,
            incident_type=IncidentType.SHELLING,
            occurred_start=datetime(2023, 5, 1, tzinfo=UTC),
        ),
        user=None,
    )


class OpenTransaction:
    """CHANGE run on a second connection (its own thread) inside a transaction that stays open
    until commit() is called."""

    def __init__(self, change: Callable[[], object]) -> None:
        self.change = change
        self.changed = threading.Event()
        self.release = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        assert self.changed.wait(30), "the writer did not make its change"
        if self.error:
            raise self.error

    def _run(self) -> None:
        try:
            with transaction.atomic():
                self.change()
                self.changed.set()
                assert self.release.wait(30)
        except BaseException as exc:  # handed to the test thread
            self.error = exc
            self.changed.set()
        finally:
            connection.close()

    def commit(self) -> None:
        self.release.set()
        self.thread.join(30)
        if self.error:
            raise self.error


def _pass(api, since: str) -> tuple[dict[int, dict], str]:
    """One sync pass from SINCE: items by id, and the first page's watermark."""
    url = reverse("api:incident-list") + f"?page_size=2&updated_since={since}"
    items: dict[int, dict] = {}
    watermark = None
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.content
        watermark = watermark or response["X-Sync-Watermark"]
        items.update((item["id"], item) for item in response.json()["results"])
        url = response.json()["next"]
    return items, watermark


def _edit(incident: Incident, *_: Incident) -> None:
    """An edit of a published incident is held; its approval is the change that goes public."""
    fresh = Incident.objects.get(pk=incident.pk)
    held = incident_update(
        incident=fresh, expected_version=fresh.version, title="Edited while open"
    )
    assert held is not None
    revision_approve(revision=held, user=None)


def _retract(incident: Incident, *_: Incident) -> None:
    incident_retract(incident=incident, user=None, note="Wrong village")


def _merge(incident: Incident, target: Incident) -> None:
    held = incident_merge(incident=incident, target=target, user=None)
    assert held is not None
    revision_approve(revision=held, user=None)


def _delete(incident: Incident, *_: Incident) -> None:
    incident_delete(incident=incident, user=None)


EXPECTED = {
    _edit: lambda item, target: item["title"] == "Edited while open",
    _retract: lambda item, target: item["reason"] == "retracted",
    _merge: lambda item, target: (item["reason"], item["merged_into"]) == ("merged", target.pk),
    _delete: lambda item, target: item["reason"] == "deleted",
}


@TWO_CONNECTIONS
@pytest.mark.parametrize("change", list(EXPECTED), ids=lambda f: f.__name__.strip("_"))
def test_change_open_during_read_arrives_after_commit(app_role, demo, api, change):
    incident = _published(demo.conflict, "Shelling near the border")
    target = _published(demo.conflict, "The same shelling, reported twice")
    _, since = _pass(api, "2000-01-01T00:00:00Z")

    writer = OpenTransaction(lambda: change(incident, target))
    during, watermark = _pass(api, since)
    # Not committed: the page cannot see it, and the old stamp is what it shows (if anything).
    assert incident.pk not in during or during[incident.pk]["title"] == incident.title
    writer.commit()

    after, _ = _pass(api, watermark)
    assert EXPECTED[change](after[incident.pk], target), after[incident.pk]


@TWO_CONNECTIONS
def test_change_by_another_role_open_during_read_arrives(app_role, demo, api):
    """The open transaction belongs to a role the app cannot watch in pg_stat_activity: the
    watermark needs no monitoring privilege."""
    incident = _published(demo.conflict, "Shelling near the border")
    _, since = _pass(api, "2000-01-01T00:00:00Z")
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False,)
    params = connection.get_connection_params()
    with psycopg.connect(
        dbname=params["dbname"],
        host=params.get("host"),
        port=params.get("port"),
        user=app_role.admin_user,
        password=app_role.admin_password or None,
    ) as other:
        other.execute(
            "UPDATE tracker_incident SET title = 'Renamed by the operator' WHERE id = %s",
            [incident.pk],
        )
        _, watermark = _pass(api, since)
        other.commit()
    close_old_connections()
    after, _ = _pass(api, watermark)
    assert after[incident.pk]["title"] == "Renamed by the operator"


@TWO_CONNECTIONS
def test_watermark_from_another_database_is_refused(app_role, api):
    url = reverse("api:incident-list")
    assert api.get(url, {"updated_since": "2026-01-01T00:00:00Z~3"}).status_code == 200
    response = api.get(url, {"updated_since": "2026-01-01T00:00:00Z~999999999999"})
    assert response.status_code == 400
    assert "not from this database" in str(response.json()["errors"]["updated_since"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad",
    [
        "yesterday",
        "2026-01-01T00:00:00",
        "2026-01-01T00:00:00Z~x",
        "2026-01-01T00:00:00Z~9999999999999999999",
        "0001-01-01T00:00:00+15:00",
    ],
)
def test_bad_updated_since_is_explained(api, bad):
    response = api.get(reverse("api:incident-list"), {"updated_since": bad})
    assert response.status_code == 400
    assert "X-Sync-Watermark" in str(response.json()["errors"]["updated_since"])


@pytest.mark.django_db
@pytest.mark.parametrize("resource", ["claim", "statement", "source", "party"])
def test_flat_lists_refuse_updated_since_and_name_the_sync_resource(api, resource):
    """They cannot say that a row left the published set, so they offer no sync at all."""
    response = api.get(reverse(f"api:{resource}-list"), {"updated_since": "2026-01-01T00:00:00Z"})
    assert response.status_code == 400
    assert "Only /api/v1/incidents/ syncs" in str(response.json()["errors"]["updated_since"])
