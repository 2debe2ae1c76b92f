"""Official statements watched for edits and deletions at their original address.

One round (`statements_watch_round`, run by `manage.py watch_statements` and by Celery beat):
make sure every statement with an original URL has a watch, claim the due ones with a
conditional UPDATE (so two rounds at once never fetch the same page twice), take at most
COUNTERCLAIM_WATCH_PER_HOST per host (the rest stay due for the next round), and check each
through the one guarded fetch (tracker.ingest.fetch) and trafilatura's extraction.

What a check records: the first text seen; an edit (its text's hash differs) as a new version
beside the old, with a line diff; a removal (404/410, or a redirect to the site's front page)
with its date; the page coming back. The interval grows with the statement's age; failures back
off exponentially. Editors are mailed about edits and removals after the commit."""

from __future__ import annotations

import difflib
import logging
import zlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from tracker.enums import StatementCheck
from tracker.ingest.fetch import FetchError, HTTPStatusError, fetch
from tracker.ingest.netpolicy import BlockedAddressError
from tracker.models import Citation, Statement, StatementVersion, StatementWatch
from tracker.text.html import main_text
from tracker.text.normalise import canonical_url, normalised_text, text_sha256

logger = logging.getLogger(__name__)

GONE_STATUSES = frozenset({404, 410})
# (statement younger than, check every): fresh statements are edited most.
INTERVALS = (
    (timedelta(days=1), timedelta(hours=1)),
    (timedelta(days=7), timedelta(hours=6)),
    (timedelta(days=30), timedelta(days=1)),
)
OLDEST_INTERVAL = timedelta(days=7)
MAX_BACKOFF = timedelta(days=7)
# A claimed watch is pushed this far ahead, so a round that dies mid-way frees it again later.
LEASE = timedelta(minutes=15)

_ENSURE_SQL = """
INSERT INTO tracker_statementwatch (statement_id, next_check_at, failures, last_error,
                                    content_hash)
SELECT s.id, %(now)s, 0, '', '' FROM tracker_statement s
 WHERE s.original_url <> '' AND NOT EXISTS (
       SELECT 1 FROM tracker_statementwatch w WHERE w.statement_id = s.id)
ON CONFLICT (statement_id) DO NOTHING
"""


@dataclass
class WatchReport:
    checked: int = 0
    unchanged: int = 0
    first_seen: int = 0
    edited: int = 0
    removed: int = 0
    restored: int = 0
    failed: int = 0
    deferred: int = 0  # due, but over the per-host limit of this round
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.checked} checked: {self.unchanged} unchanged, {self.first_seen} first seen, "
            f"{self.edited} edited, {self.removed} removed, {self.restored} back online, "
            f"{self.failed} failed; {self.deferred} deferred by the per-host limit"
        )


def watch_interval(statement: Statement, *, now: datetime) -> timedelta:
    age = now - (statement.issued_at or statement.created_at)
    for younger_than, every in INTERVALS:
        if age < younger_than:
            return every
    return OLDEST_INTERVAL


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def watches_claim_due(
    *, now: datetime, statement_id: int | None = None
) -> tuple[list[StatementWatch], int]:
    """The watches this round checks (and how many due ones it leaves for the next)."""
    with connection.cursor() as cursor:
        cursor.execute(_ENSURE_SQL, {"now": now})
    due = StatementWatch.objects.filter(statement__original_url__gt="")
    due = (
        due.filter(statement_id=statement_id)
        if statement_id is not None
        else due.filter(next_check_at__lte=now)
    )
    candidates = list(
        due.order_by("next_check_at", "id").values_list("id", "statement__original_url")
    )
    per_host: dict[str, int] = defaultdict(int)
    chosen = []
    for watch_id, url in candidates:
        host = _host(url)
        if per_host[host] < settings.COUNTERCLAIM_WATCH_PER_HOST:
            per_host[host] += 1
            chosen.append(watch_id)
    # The claim: only the round whose conditional UPDATE moved the row checks it. An operator
    # naming one statement checks it whenever it is due.
    won = [
        watch_id
        for watch_id in chosen
        if statement_id is not None
        or StatementWatch.objects.filter(id=watch_id, next_check_at__lte=now).update(
            next_check_at=now + LEASE
        )
    ]
    watches = list(
        StatementWatch.objects.filter(id__in=won).select_related("statement").order_by("id")
    )
    return watches, len(candidates) - len(chosen)


def statements_watch_round(
    *,
    statement_id: int | None = None,
    now: datetime | None = None,
    progress: Callable[[StatementWatch, str], None] | None = None,
) -> WatchReport:
    """One round of the watch; PROGRESS(watch, outcome) is called after each check."""
    now = now or timezone.now()
    watches, deferred = watches_claim_due(now=now, statement_id=statement_id)
    report = WatchReport(deferred=deferred)
    for watch in watches:
        outcome = statement_check(watch=watch, now=now)
        report.checked += 1
        setattr(report, outcome, getattr(report, outcome) + 1)
        if outcome == "failed":
            report.errors.append(f"statement {watch.statement_id}: {watch.last_error}")
        if progress:
            progress(watch, outcome)
    return report


@transaction.atomic
def statement_check(*, watch: StatementWatch, now: datetime) -> str:
    """Fetch the statement's original page once and record what changed. Returns the outcome:
    unchanged, first_seen, edited, removed, restored or failed."""
    statement = watch.statement
    url = statement.original_url
    try:
        result = fetch(url, accept="text/html,application/xhtml+xml;q=0.9,*/*;q=0.5")
    except HTTPStatusError as error:
        if error.status in GONE_STATUSES:
            return _removed(watch, now=now, url=url, status=error.status)
        return _failed(watch, now=now, error=str(error))
    except (FetchError, BlockedAddressError) as error:
        return _failed(watch, now=now, error=str(error))
    if result.redirects and _is_front_page(result.url, url):
        return _removed(watch, now=now, url=result.url, status=result.status)
    text = main_text(result.text(), url=result.url)
    if not text:
        return _failed(watch, now=now, error=f"no text could be extracted from {result.url}")
    content_hash = text_sha256(text)
    previous = statement.source_versions.exclude(text="").order_by("-seen_at", "-id").first()
    if watch.removed_at is not None:
        kind = StatementCheck.RESTORED
    elif not watch.content_hash:
        kind = StatementCheck.FIRST_SEEN
    elif content_hash != watch.content_hash:
        kind = StatementCheck.EDITED
    else:
        _schedule(watch, now=now, failed=False)
        return "unchanged"
    lost = _lost_citations(statement, text) if kind != StatementCheck.FIRST_SEEN else []
    version = StatementVersion.objects.create(
        statement=statement,
        kind=kind,
        seen_at=now,
        url=result.url,
        http_status=result.status,
        text=text,
        content_hash=content_hash,
        diff=_diff(previous.text, text) if previous and kind != StatementCheck.FIRST_SEEN else "",
        snapshot=zlib.compress(result.body, 6),
        lost_citation_ids=lost,
    )
    watch.content_hash = content_hash
    watch.removed_at = None
    if kind == StatementCheck.EDITED:
        watch.edited_at = now
        transaction.on_commit(lambda: _notify_editors(version.pk))
    _schedule(watch, now=now, failed=False)
    return str(kind.value)


def _is_front_page(final: str, original: str) -> bool:
    """A redirect from an article to the site's root is how many sites say "gone"."""
    return urlsplit(final).path in ("", "/") and urlsplit(original).path not in ("", "/")


def _removed(watch: StatementWatch, *, now: datetime, url: str, status: int) -> str:
    if watch.removed_at is not None:
        _schedule(watch, now=now, failed=False)
        return "unchanged"
    statement = watch.statement
    version = StatementVersion.objects.create(
        statement=statement,
        kind=StatementCheck.REMOVED,
        seen_at=now,
        url=url,
        http_status=status,
        lost_citation_ids=_lost_citations(statement, ""),
    )
    watch.removed_at = now
    _schedule(watch, now=now, failed=False)
    transaction.on_commit(lambda: _notify_editors(version.pk))
    return "removed"


def _failed(watch: StatementWatch, *, now: datetime, error: str) -> str:
    watch.last_error = error[:2000]
    _schedule(watch, now=now, failed=True)
    return "failed"


def _schedule(watch: StatementWatch, *, now: datetime, failed: bool) -> None:
    interval = watch_interval(watch.statement, now=now)
    if failed:
        watch.failures = min(watch.failures + 1, 30)
        interval = min(interval * 2 ** (watch.failures - 1), MAX_BACKOFF)
    else:
        watch.failures = 0
        watch.last_error = ""
    watch.last_checked_at = now
    watch.next_check_at = now + interval
    watch.save()


def _anchored_citations(statement: Statement) -> list[Citation]:
    """Citations of the statement or its claims that quote its original page."""
    try:
        address = canonical_url(statement.original_url)
    except ValueError:
        return []
    return list(
        Citation.objects.filter(Q(statement=statement) | Q(claim__statement=statement))
        .filter(Q(source__url=address) | Q(source__url=statement.original_url))
        .order_by("id")
    )


def _lost_citations(statement: Statement, text: str) -> list[int]:
    page = normalised_text(text)
    return [
        citation.pk
        for citation in _anchored_citations(statement)
        if normalised_text(citation.excerpt) not in page
    ]


def _diff(old: str, new: str) -> str:
    return "\n".join(
        difflib.unified_diff(
            old.splitlines(), new.splitlines(), "before", "after", lineterm="", n=1
        )
    )


def _notify_editors(version_id: int) -> None:
    """Mail every editor with an address about an edit or a removal by the source."""
    version = (
        StatementVersion.objects.filter(pk=version_id)
        .select_related("statement__party", "statement__incident")
        .first()
    )
    if version is None:
        return
    recipients = list(
        get_user_model()
        .objects.filter(groups__name="Editor", is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        return
    statement = version.statement
    verb = "edited" if version.kind == StatementCheck.EDITED else "removed"
    body = (
        f"{statement.party} {verb} its statement on “{statement.incident}” "
        f"({statement.original_url}) on {version.seen_at:%d %b %Y %H:%M} UTC.\n\n"
        + (version.diff or "")
    )
    try:
        send_mail(
            f"Statement {verb} by the source: {statement.party}",
            body,
            None,
            recipients,
        )
    except OSError as error:  # the mail server being down must not lose the recorded version
        logger.warning("watch: mailing editors about version %s failed: %s", version_id, error)
