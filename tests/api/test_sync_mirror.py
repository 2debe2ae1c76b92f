"""Editors create, edit, publish, retract, merge and delete through the API for a bounded time
while a mirror pulls with the documented protocol; afterwards the mirror is the published set,
field by field. The app connects as a NOSUPERUSER role (tests/api/conftest.py: app_role)."""

import json
import random
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from typing import Any

import pytest

from tracker.models import Incident

WRITE_SECONDS = 20
WRITERS = 2
MIRROR_PAGE_SIZE = 3


def _call(base: str, key: str, method: str, path: str, body: dict | None = None) -> tuple:
    """(status, JSON body or None, headers) of one request; HTTP errors are answers too."""
    request = urllib.request.Request(
        base + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Token {key}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw, status, headers = response.read(), response.status, response.headers
    except urllib.error.HTTPError as exc:
        raw, status, headers = exc.read(), exc.code, exc.headers
    return status, json.loads(raw) if raw else None, headers


class Editor(threading.Thread):
    """Random editorial work on its own incidents (and verdicts of the shared demo claims)
    until DEADLINE. Conflicts with the other editor (409, or 400 for a state another request
    changed) are expected answers; a 5xx is not."""

    def __init__(self, base: str, key: str, conflict: int, claims: list[int], seed: int):
        super().__init__(daemon=True)
        self.base, self.key, self.conflict, self.claims = base, key, conflict, claims
        self.random = random.Random(seed)  # noqa: S311 - reproducible work, not secrets
        self.incidents: dict[int, dict] = {}  # id → last representation we got
        self.done: Counter[str] = Counter()
        self.failures: list[str] = []
        self.deadline = 0.0

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, Any]:
        status, data, _ = _call(self.base, self.key, method, path, body)
        if status >= 500 or status in (401, 403):
            self.failures.append(f"{method} {path} {body}: {status} {data}")
        return status, data

    def pick(self, *states: str) -> dict | None:
        rows = [
            row
            for row in self.incidents.values()
            if row["state"] in states and row["merged_into"] is None
        ]
        return self.random.choice(rows) if rows else None

    def run(self) -> None:
        # Weighted so that two published incidents are usually at hand for a merge.
        actions = [self.create] * 3 + [self.publish] * 4 + [self.merge] * 2
        actions += [self.edit, self.edit, self.retract, self.delete, self.verdict]
        while time.monotonic() < self.deadline and not self.failures:
            self.random.choice(actions)()

    def approved(self, status: int, data: Any, incident: int) -> tuple[int, Any]:
        """A change to a published incident is held (202): the editor approves it at once, as
        the incident page's button would, and reads the incident back."""
        if status != 202:
            return status, data
        status, _ = self.call("POST", f"/api/v1/revisions/{data['revision']}/approve/")
        if status != 200:
            return status, None
        return self.call("GET", f"/api/v1/incidents/{incident}/")

    def _keep(self, name: str, status: int, data: Any) -> None:
        if status in (200, 201):
            self.incidents[data["id"]] = data
            self.done[name] += 1

    def create(self) -> None:
        n = sum(self.done.values())
        status, data = self.call(
            "POST",
            "/api/v1/incidents/",
            {
                "conflict": self.conflict,
                "title": f"Shelling report {self.name} {n}",
                "incident_type": "shelling",
                "occurred_start": "2023-05-01T00:00:00Z",
                "place": f"Village {n}",
            },
        )
        self._keep("create", status, data)

    def publish(self) -> None:
        row = self.pick("draft", "in_review", "retracted")
        if row:
            status, data = self.call(
                "POST", f"/api/v1/incidents/{row['id']}/publish/", {"version": row["version"]}
            )
            self._keep("publish", status, data)

    def edit(self) -> None:
        row = self.pick("published", "draft")
        if row:
            status, data = self.call(
                "PATCH",
                f"/api/v1/incidents/{row['id']}/",
                {"version": row["version"], "title": row["title"] + " (edited)"},
            )
            self._keep("edit", *self.approved(status, data, row["id"]))

    def retract(self) -> None:
        row = self.pick("published")
        if row:
            status, data = self.call(
                "POST",
                f"/api/v1/incidents/{row['id']}/retract/",
                {"version": row["version"], "note": "The place was wrong."},
            )
            self._keep("retract", status, data)

    def merge(self) -> None:
        first, second = self.pick("published"), self.pick("published")
        if first and second and first["id"] != second["id"]:
            status, data = self.call(
                "POST", f"/api/v1/incidents/{first['id']}/merge/", {"target": second["id"]}
            )
            status, data = self.approved(status, data, second["id"])
            if status == 200:
                self.incidents[first["id"]] = {**first, "merged_into": second["id"]}
            self._keep("merge", status, data)

    def delete(self) -> None:
        row = self.pick("published", "retracted", "draft")
        if row and not any(r["merged_into"] == row["id"] for r in self.incidents.values()):
            status, _ = self.call("DELETE", f"/api/v1/incidents/{row['id']}/")
            if status == 204:
                del self.incidents[row["id"]]
                self.done["delete"] += 1

    def verdict(self) -> None:
        claim = self.random.choice(self.claims)
        status, data = self.call("GET", f"/api/v1/claims/{claim}/")
        if status == 200:
            verdict = self.random.choice(["unverified", "contested", "false", "corroborated"])
            status, _ = self.call(
                "PATCH",
                f"/api/v1/claims/{claim}/",
                {"version": data["version"], "verdict": verdict},
            )
            if status == 200:
                self.done["verdict"] += 1


class Mirror:
    """The consumer of docs/api.md: a full pass, then passes from the first page's watermark."""

    def __init__(self, base: str, key: str) -> None:
        self.base, self.key = base, key
        self.copy: dict[int, dict] = {}
        self.since: str | None = None
        self.passes = 0

    def sync(self) -> None:
        query = {"page_size": MIRROR_PAGE_SIZE}
        if self.since:
            query["updated_since"] = self.since
        path = "/api/v1/incidents/?" + urllib.parse.urlencode(query)
        watermark = None
        while path:
            status, body, headers = _call(self.base, self.key, "GET", path)
            assert status == 200, body
            watermark = watermark or headers["X-Sync-Watermark"]
            for item in body["results"]:
                if item.get("deleted"):
                    self.copy.pop(item["id"], None)
                else:
                    self.copy[item["id"]] = item
            path = body["next"] and body["next"].removeprefix(self.base)
        self.since = watermark
        self.passes += 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_mirror_equals_published_set_after_concurrent_editing(
    app_role, demo, live_server, write_key, settings
):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "token": "100000/min", "user": "1/min"},
    }
    base = live_server.url
    claims = [claim.pk for claim in demo.claims.values()]
    editors = [Editor(base, write_key, demo.conflict.pk, claims, seed) for seed in range(WRITERS)]
    mirror = Mirror(base, write_key)
    mirror.sync()
    deadline = time.monotonic() + WRITE_SECONDS
    for editor in editors:
        editor.deadline = deadline
        editor.start()
    while any(editor.is_alive() for editor in editors):
        mirror.sync()
    for editor in editors:
        editor.join(60)
    mirror.sync()  # every write has committed: one more pass brings the copy level

    assert [failure for editor in editors for failure in editor.failures] == []
    done = sum((editor.done for editor in editors), Counter())
    assert set(done) == {"create", "publish", "edit", "retract", "merge", "delete", "verdict"}, done
    assert mirror.passes > 3

    fresh = Mirror(base, write_key)
    fresh.sync()
    published = set(Incident.objects.published().values_list("id", flat=True))
    assert set(fresh.copy) == published
    assert set(mirror.copy) == published, (
        f"missing {published - set(mirror.copy)}, stale {set(mirror.copy) - published}"
    )
    for incident_id, item in fresh.copy.items():
        assert mirror.copy[incident_id] == item, incident_id
