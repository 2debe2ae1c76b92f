"""The statement watch against a real HTTP server on 127.0.0.1 whose pages are edited, removed,
redirected and broken between fetches."""

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from tracker.enums import Aspect, StatementCheck
from tracker.models import Source, StatementVersion, StatementWatch
from tracker.services.claims import claim_create
from tracker.services.revisions import revisions_approve_all
from tracker.services.sources import citation_create, source_create
from tracker.services.statement_watch import statements_watch_round
from tracker.services.statements import statement_create

pytestmark = pytest.mark.django_db

PAGE = """<html><head><title>Ministry of Defence</title></head><body><nav>Home | News</nav>
<article><h1>Statement of the Ministry</h1>
<p>{first}</p>
<p>The units of the other side violated the cease-fire regime at 07:40 in the eastern sector
of the border, firing from several positions with small arms and mortars of various calibres.</p>
<p>The enemy fire was silenced by retaliatory actions of our units, which remain on alert.</p>
</article><footer>Copyright</footer></body></html>"""
ORIGINAL = (
    "On 23 September the enemy fired first and one of our soldiers was wounded in the attack."
)
EDITED = "On 23 September the enemy fired first and two of our soldiers were wounded in the attack."


class Site:
    """Path → (status, body, extra headers), changeable between fetches."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[int, str, dict[str, str]]] = {}
        self.hits: list[str] = []
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def _handler(self):  # type: ignore[no-untyped-def]
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                site.hits.append(self.path)
                status, body, headers = site.pages.get(self.path, (404, "not found", {}))
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

        return Handler


@pytest.fixture
def site():
    server = Site()
    server.pages["/"] = (200, PAGE.format(first="Front page news of the ministry."), {})
    yield server
    server.server.shutdown()


@pytest.fixture
def watched(demo, site, django_user_model):
    """Armenia's ministry's statement, published at the site, cited from its own page."""
    url = site.url("/news/statement-1")
    site.pages["/news/statement-1"] = (200, PAGE.format(first=ORIGINAL), {})
    statement = statement_create(
        incident=demo.incident,
        party=demo.statements["Armenia"].party,
        text=ORIGINAL,
        original_url=url,
        issued_at=timezone.now() - timedelta(hours=2),
    )
    source = source_create(url=url, title="Statement", text=ORIGINAL)
    citation = citation_create(
        source=source, excerpt="one of our soldiers was wounded", statement=statement
    )
    editor = django_user_model.objects.create_user("ed", email="ed@example.org", password="x")
    editor.groups.add(Group.objects.get(name="Editor"))
    # The demo incident is published: the additions wait for an editor, who approves them.
    revisions_approve_all(incident=demo.incident, user=editor)
    statement.refresh_from_db()
    citation.refresh_from_db()
    return statement, citation


def _round(now, **kwargs):
    return statements_watch_round(now=now, **kwargs)


def test_first_fetch_archives_then_unchanged_page_adds_nothing(watched):
    statement, _ = watched
    now = timezone.now()
    report = _round(now)
    assert (report.checked, report.first_seen) == (1, 1)
    version = statement.source_versions.get()
    assert version.kind == StatementCheck.FIRST_SEEN
    assert ORIGINAL in version.text
    watch = StatementWatch.objects.get(statement=statement)
    assert watch.next_check_at == now + timedelta(hours=1)  # a fresh statement: hourly
    assert _round(now + timedelta(minutes=30)).checked == 0  # not due yet
    again = _round(now + timedelta(hours=1))
    assert (again.checked, again.unchanged) == (1, 1)
    assert statement.source_versions.count() == 1


def test_edit_is_archived_beside_the_old_with_a_diff_and_editors_mailed(
    watched, site, client, django_capture_on_commit_callbacks
):
    statement, citation = watched
    now = timezone.now()
    _round(now)
    site.pages["/news/statement-1"] = (200, PAGE.format(first=EDITED), {})
    with django_capture_on_commit_callbacks(execute=True):
        report = _round(now + timedelta(hours=1))
    assert report.edited == 1
    first, edited = statement.source_versions.order_by("seen_at")
    assert ORIGINAL in first.text
    assert EDITED in edited.text
    assert f"-{ORIGINAL}" in edited.diff
    assert f"+{EDITED}" in edited.diff
    assert edited.lost_citation_ids == [citation.pk]
    assert StatementWatch.objects.get(statement=statement).edited_at == now + timedelta(hours=1)
    assert [m.to for m in mail.outbox] == [["ed@example.org"]]
    assert "edited its statement" in mail.outbox[0].body
    public = client.get(reverse("tracker:public-incident", args=[statement.incident_id]))
    html = public.content.decode()
    assert "Edited by the source on" in html
    assert "“one of our soldiers was wounded”" in html  # the passage no longer on the page
    assert "+" + EDITED in html


@pytest.mark.parametrize("status", [404, 410])
def test_gone_status_is_removed_by_source_once(watched, site, status):
    statement, citation = watched
    now = timezone.now()
    _round(now)
    site.pages["/news/statement-1"] = (status, "gone", {})
    assert _round(now + timedelta(hours=1)).removed == 1
    assert _round(now + timedelta(hours=2)).unchanged == 1  # still gone: recorded once
    removed = statement.source_versions.get(kind=StatementCheck.REMOVED)
    assert (removed.http_status, removed.lost_citation_ids) == (status, [citation.pk])
    site.pages["/news/statement-1"] = (200, PAGE.format(first=ORIGINAL), {})
    assert _round(now + timedelta(hours=3)).restored == 1
    assert StatementWatch.objects.get(statement=statement).removed_at is None


def test_redirect_to_the_front_page_is_removal(watched, site, staff_client_editor):
    statement, _ = watched
    now = timezone.now()
    _round(now)
    site.pages["/news/statement-1"] = (301, "", {"Location": "/"})
    assert _round(now + timedelta(hours=1)).removed == 1
    version = statement.source_versions.get(kind=StatementCheck.REMOVED)
    assert version.url == site.url("/")  # where the redirect led
    page = staff_client_editor.get(reverse("tracker:incident-detail", args=[statement.incident_id]))
    assert "Removed by the source on" in page.content.decode()
    conflict = staff_client_editor.get(
        reverse("tracker:conflict", args=[statement.incident.conflict.slug])
    )
    assert "Statements changed by their sources" in conflict.content.decode()


def test_server_errors_back_off_and_keep_what_was_archived(watched, site):
    statement, _ = watched
    now = timezone.now()
    _round(now)
    site.pages["/news/statement-1"] = (503, "busy", {})
    later = now + timedelta(hours=1)
    assert _round(later).failed == 1
    watch = StatementWatch.objects.get(statement=statement)
    assert (watch.failures, watch.next_check_at) == (1, later + timedelta(hours=1))
    assert "HTTP 503" in watch.last_error
    assert _round(later + timedelta(hours=1)).failed == 1
    watch.refresh_from_db()
    assert (watch.failures, watch.next_check_at) == (2, later + timedelta(hours=3))
    assert statement.source_versions.count() == 1  # nothing lost, nothing half-written


def test_per_host_limit_defers_the_rest_to_the_next_round(demo, site, settings):
    settings.COUNTERCLAIM_WATCH_PER_HOST = 2
    for n in range(5):
        site.pages[f"/s/{n}"] = (200, PAGE.format(first=f"{ORIGINAL} Number {n}."), {})
        statement_create(
            incident=demo.incident,
            party=demo.statements["Azerbaijan"].party,
            text="x",
            original_url=site.url(f"/s/{n}"),
        )
    now = timezone.now()
    report = _round(now)
    assert (report.checked, report.deferred) == (2, 3)
    assert _round(now).checked == 2
    assert _round(now).checked == 1
    assert StatementVersion.objects.filter(kind=StatementCheck.FIRST_SEEN).count() == 5


def test_older_statements_are_checked_less_often(watched):
    statement, _ = watched
    statement.issued_at = timezone.now() - timedelta(days=60)
    statement.save()
    now = timezone.now()
    _round(now)
    assert StatementWatch.objects.get(statement=statement).next_check_at == now + timedelta(days=7)


def test_command_runs_one_round_with_progress_and_summary(watched, capsys):
    statement, _ = watched
    call_command("watch_statements", "--statement", str(statement.pk))
    out = capsys.readouterr().out
    assert f"statement {statement.pk}: first_seen" in out
    assert "1 checked: 0 unchanged, 1 first seen" in out
    with pytest.raises(CommandError, match="does not exist or has no original URL"):
        call_command("watch_statements", "--statement", "999999")


def _claim_cell(html: str, claim_id: int) -> str:
    """The grid cell's block of one claim (up to the next claim or the cell's end)."""
    start = html.index(f'id="claim-{claim_id}"')
    ends = [i for i in (html.find('id="claim-', start + 1), html.find("</td>", start)) if i > 0]
    return html[start : min(ends)]


def test_grid_cells_note_the_source_change_and_mark_lost_passages(
    watched, demo, site, client, staff_client_editor
):
    """The incident grid (staff and public pages) says in the claim's cell that its statement's
    page was edited or removed by the source, with the diff, and marks each citation whose
    quoted passage is no longer in the new version."""
    statement, _ = watched
    armenia = demo.conflict.sides.get(name="Armenia")
    claim = claim_create(
        statement=statement,
        aspect=Aspect.CASUALTIES,
        text="One of ours wounded.",
        casualty_side=armenia,
        wounded_min=1,
        wounded_max=1,
    )
    source = Source.objects.get(url=statement.original_url)
    kept = citation_create(source=source, excerpt="the enemy fired first", claim=claim)
    lost = citation_create(source=source, excerpt="one of our soldiers was wounded", claim=claim)
    editor = User.objects.get(username="ed")
    revisions_approve_all(incident=statement.incident, user=editor)
    now = timezone.now()
    _round(now)
    site.pages["/news/statement-1"] = (200, PAGE.format(first=EDITED), {})
    assert _round(now + timedelta(hours=1)).edited == 1

    public = client.get(reverse("tracker:public-incident", args=[statement.incident_id]))
    staff = staff_client_editor.get(
        reverse("tracker:incident-detail", args=[statement.incident_id])
    )
    for page in (public, staff):
        cell = _claim_cell(page.content.decode(), claim.pk)
        assert "Edited by the source on" in cell
        assert "+" + EDITED in cell  # the diff
        lost_items = [item for item in cell.split("<li") if item.startswith(' class="lost"')]
        assert len(lost_items) == 1
        assert lost.excerpt in lost_items[0]
        assert "No longer in the source&#x27;s current version" in lost_items[0]
        assert kept.excerpt not in lost_items[0]

    site.pages["/news/statement-1"] = (410, "gone", {})
    assert _round(now + timedelta(hours=2)).removed == 1
    staff = staff_client_editor.get(
        reverse("tracker:incident-detail", args=[statement.incident_id])
    )
    cell = _claim_cell(staff.content.decode(), claim.pk)
    assert "Removed by the source on" in cell
    assert cell.count('<li class="lost">') == 2  # nothing quoted is on a page that is gone
