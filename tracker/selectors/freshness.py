"""Cache validators for the public outputs: a fingerprint of everything a published incident (or
the published set) shows, read in one query without rendering anything, so that a CDN, a reverse
proxy or a browser revalidating gets its 304 for the price of an index lookup.

Both read the change stamps PostgreSQL's triggers keep (tracker.models.IncidentChange): any
insert, update or delete of an incident, its statements, claims, citations, counterclaims or a
cited source rewrites its incident's stamp, and so does publishing, retracting, merging or
approving a pending revision, since each of those writes rows. Conflict and party names, shown
beside the incident, come from their own `updated_at`.

Validators are remembered in memory, per process, until PostgreSQL says something public may
have changed: migration 0011 NOTIFYs on every write to those tables, delivered at commit, and a
thread per process LISTENs. A story going viral then revalidates without touching the database.
Whatever the listener cannot vouch for is read afresh: before it is connected, after it lost
its connection (it may have missed a notice), and inside a transaction (whose own uncommitted
writes notify nobody). A write this process commits makes them stale at once (note_writes),
without waiting for its notice to come back: the next request here never gets a stale 304."""

import hashlib
import logging
import os
import re
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger(__name__)

CHANNEL = "tracker_public_change"
# Remembered validators per process; past this, the memory starts over.
MEMO_SIZE = 10_000


@dataclass(frozen=True)
class Freshness:
    """`tag` changes whenever the output would; `last_modified` is when it last did."""

    tag: str
    last_modified: datetime | None


def _fingerprint(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


# Plain SQL: this runs on every revalidation of a page that may be going viral, and building
# the same query through the ORM costs several times what PostgreSQL takes to answer it.
INCIDENT_SQL = """
SELECT i.state, i.merged_into_id, c.changed_at, k.updated_at,
       (SELECT max(p.updated_at) FROM tracker_statement s
          JOIN tracker_party p ON p.id = s.party_id
         WHERE s.incident_id = i.id)
  FROM tracker_incident i
  JOIN tracker_conflict k ON k.id = i.conflict_id
  LEFT JOIN tracker_incidentchange c ON c.incident_id = i.id
 WHERE i.id = %s
"""


def incident_freshness(pk: int) -> Freshness | None:
    """The validator of incident PK's public page; None when there is no such incident."""
    return _remembered(("incident", pk), lambda: _read_incident(pk))


def _read_incident(pk: int) -> Freshness | None:
    with connection.cursor() as cursor:
        cursor.execute(INCIDENT_SQL, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    stamps = [stamp for stamp in row[2:] if stamp is not None]
    return Freshness(tag=_fingerprint(pk, *row), last_modified=max(stamps) if stamps else None)


# The sum of every stamp catches a change whose stamp is older than the newest one (a stamp
# carries its transaction's start time, so a long transaction can commit one after a younger
# transaction's): max(changed_at) alone would then stay the same and answer a stale 304.
PUBLISHED_SET_SQL = """
SELECT count(*), max(c.changed_at), sum(extract(epoch FROM c.changed_at)),
       (SELECT max(updated_at) FROM tracker_conflict),
       (SELECT max(updated_at) FROM tracker_party)
  FROM tracker_incidentchange c
 WHERE c.was_published
"""


def published_set_freshness() -> Freshness:
    """The validator of every output listing published incidents (feeds, exports): it changes
    when any incident that was ever public changes, leaves the set or joins it."""
    return _remembered("published set", _read_published_set)  # type: ignore[return-value]


def _read_published_set() -> Freshness:
    with connection.cursor() as cursor:
        cursor.execute(PUBLISHED_SET_SQL)
        row = cursor.fetchone()
    stamps = [stamp for stamp in (row[1], row[3], row[4]) if stamp is not None]
    return Freshness(tag=_fingerprint(*row), last_modified=max(stamps) if stamps else None)


class _ChangeListener:
    """A daemon thread per process, LISTENing on CHANNEL with its own connection. `generation`
    moves on every notice and every (re)connection; a remembered validator is good only for
    the generation it was read in."""

    def __init__(self) -> None:
        self.generation = 0
        self.connected = False
        self._pid = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def ensure_started(self) -> None:
        if self._pid == os.getpid() or self._stop.is_set():
            return
        with self._lock:  # once per process, and again in a child forked after (gunicorn)
            if self._pid == os.getpid():
                return
            self._pid, self.connected = os.getpid(), False
            params = connection.get_connection_params()
            params.pop("cursor_factory", None)
            self._thread = threading.Thread(
                target=self._listen, args=(params,), daemon=True, name="freshness-listener"
            )
            self._thread.start()

    def stop(self) -> None:
        """Close the connection (a database cannot be dropped while it is open); from then on
        every validator is read afresh."""
        self._stop.set()
        self.connected = False
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _listen(self, params: dict) -> None:
        while not self._stop.is_set():
            try:
                with psycopg.connect(**params, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.generation += 1
                    self.connected = True
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=1):
                            self.generation += 1
            except psycopg.Error as exc:
                logger.warning("freshness listener: %s; validators are read afresh", exc)
            self.connected = False
            self.generation += 1
            self._stop.wait(1)


_listener = _ChangeListener()
stop_listening = _listener.stop
_memo: dict[Hashable, Freshness | None] = {}
_memo_generation: tuple[int, int] = (-1, -1)
_WRITES = ("insert", "update", "delete")
# The tables whose rows a public page or feed shows (a write to one of them moves a change stamp
# or NOTIFYs, migration 0011); writes elsewhere (fetch logs, webhook deliveries) stale nothing.
_PUBLIC_TABLE = re.compile(
    r'"tracker_(incident|statement|claim|citation|counterclaim|source|conflict|side|party'
    r"|alignment|outlet|pendingrevision)"
)
_local_commits = 0  # transactions with writes this process committed


def _count_commit() -> None:
    global _local_commits
    _local_commits += 1


def note_writes(
    execute: Callable[..., Any], sql: Any, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """A database execute wrapper (installed on every connection, tracker.apps): once a write by
    this process commits, every remembered validator is stale. Counted after the statement ran,
    so a read in between cannot remember the old value under the new count."""
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and sql.lstrip()[:6].lower() in _WRITES and _PUBLIC_TABLE.search(sql):
        transaction.on_commit(_count_commit, using=context["connection"].alias)
    return result


def watch_writes(connection: BaseDatabaseWrapper, **_: Any) -> None:
    """Install note_writes on CONNECTION (a connection_created receiver), once. First in the
    list: a connection may open inside another wrapper's `execute_wrapper()` block (pghistory's
    context), whose exit pops the last wrapper."""
    if note_writes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, note_writes)


def _generation() -> tuple[int, int]:
    return (_listener.generation, _local_commits)


def _remembered(key: Hashable, read: Callable[[], Freshness | None]) -> Freshness | None:
    global _memo_generation
    _listener.ensure_started()
    generation = _generation()
    trusted = _listener.connected and not connection.in_atomic_block
    if trusted and _memo_generation == generation and key in _memo:
        return _memo[key]
    value = read()
    # Kept only if no notice or local commit came while reading: the read may predate it.
    if trusted and _listener.connected and _generation() == generation:
        if _memo_generation != generation or len(_memo) >= MEMO_SIZE:
            _memo.clear()
            _memo_generation = generation
        _memo[key] = value
    return value
