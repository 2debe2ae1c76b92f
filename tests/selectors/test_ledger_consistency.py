"""The ledgers equal a recomputation from the rows, written independently here in Python over
the ORM, after every kind of change: creates, edits, verdicts, merges, unmerges, retractions and
deletes (each through its service); and the summary tables the triggers keep (migration 0019)
equal a recomputation from the base tables after each committed change, whichever door it came
through (API, services, raw SQL, bulk updates)."""

from collections import Counter
from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from rest_framework.test import APIClient

from tests.factories import utc
from tracker.enums import Aspect, LedgerZoom, RevisionState, SideRole, TokenScope
from tracker.models import Alignment, Claim, Conflict, Incident, PendingRevision, Side, Statement
from tracker.selectors.ledgers import LedgerFilters, ledger_table
from tracker.services.api_tokens import api_token_create
from tracker.services.claims import claim_create, claim_set_verdict, claim_update
from tracker.services.publishing import (
    incident_delete,
    incident_merge,
    incident_retract,
    incident_unmerge,
)
from tracker.services.revisions import revisions_approve_all
from tracker.services.statements import statement_create

pytestmark = pytest.mark.django_db
FILTERS = LedgerFilters(zoom=LedgerZoom.DAY)


def _side(party_id: int, conflict_id: int) -> int | None:
    row = Alignment.objects.filter(party_id=party_id, side__conflict_id=conflict_id).first()
    return row.side_id if row else None


def _published_claims(conflict):
    incidents = Incident.objects.published().filter(conflict=conflict)
    # What the public sees: approved rows only (the publish gate holds the rest).
    return (
        Claim.objects.approved()
        .filter(statement__incident__in=incidents)
        .select_related("statement", "statement__incident")
    )


def oracle_accusations(conflict) -> Counter:
    directions: dict[int, set] = {}
    days: dict[int, date] = {}
    for claim in _published_claims(conflict).filter(aspect=Aspect.INITIATOR):
        side = _side(claim.statement.party_id, conflict.pk)
        if claim.accused_side_id and side and side != claim.accused_side_id:
            incident = claim.statement.incident
            directions.setdefault(incident.pk, set()).add((side, claim.accused_side_id))
            days[incident.pk] = incident.occurred_start.date()
    counts: Counter = Counter()
    for incident_id, pairs in directions.items():
        for accuser, accused in pairs:
            counts[(days[incident_id], accuser, accused, "n")] += 1
            counts[(days[incident_id], accuser, accused, "mutual")] += (accused, accuser) in pairs
    return +counts


def ledger_accusations(conflict) -> Counter:
    counts: Counter = Counter()
    for row in ledger_table("accusations", conflict=conflict, filters=FILTERS).rows:
        key = (row["bucket"], row["accuser_id"], row["accused_id"])
        counts[(*key, "n")] += row["incidents"]
        counts[(*key, "mutual")] += row["mutual"]
    return +counts


def oracle_verdicts(conflict) -> Counter:
    return Counter(
        (c.statement.party_id, c.statement.incident.occurred_start.date(), c.verdict)
        for c in _published_claims(conflict)
    )


def ledger_verdicts(conflict) -> Counter:
    counts: Counter = Counter()
    for row in ledger_table("verdicts", conflict=conflict, filters=FILTERS).rows:
        for key in (
            "unverified",
            "corroborated",
            "partly_true",
            "contested",
            "misleading",
            "false",
        ):
            if row[key]:
                counts[(row["party_id"], row["bucket"], key)] += row[key]
    return counts


def oracle_casualty_totals(conflict) -> dict:
    latest: dict = {}
    claims = _published_claims(conflict).filter(aspect=Aspect.CASUALTIES)
    for claim in sorted(
        claims, key=lambda c: (c.statement.issued_at or c.statement.incident.occurred_start, c.pk)
    ):
        for kind in ("killed", "wounded"):
            low, high = getattr(claim, f"{kind}_min"), getattr(claim, f"{kind}_max")
            if low is None and high is None:
                continue
            key = (claim.statement.party_id, claim.casualty_side_id, kind)
            latest.setdefault(key, {})[claim.statement.incident_id] = low or 0
    return {key: sum(per_incident.values()) for key, per_incident in latest.items()}


def ledger_casualty_totals(conflict) -> dict:
    totals = {}
    for row in ledger_table("casualties", conflict=conflict, filters=FILTERS).rows:
        totals[(row["party_id"], row["victim_id"], row["kind"])] = row["total_min"]
    return totals


def assert_equal_to_recomputation(conflict) -> None:
    assert ledger_accusations(conflict) == oracle_accusations(conflict)
    assert ledger_verdicts(conflict) == oracle_verdicts(conflict)
    assert ledger_casualty_totals(conflict) == oracle_casualty_totals(conflict)


def test_ledgers_equal_recomputation_through_every_kind_of_change(world, django_user_model):
    conflict = world.demo.conflict
    editor = django_user_model.objects.create_user("ed-consistency")
    assert_equal_to_recomputation(conflict)

    # create: a new statement on a published incident, with an accusation and a figure
    statement = statement_create(
        incident=world.i2, party=world.am, text="We deny it.", issued_at=utc(2022, 9, 11, 20)
    )
    accusation = claim_create(
        statement=statement,
        aspect=Aspect.INITIATOR,
        text="They did.",
        accused_side=world.azerbaijan,
    )
    figure = claim_create(
        statement=statement,
        aspect=Aspect.CASUALTIES,
        text="3 of theirs.",
        casualty_side=world.azerbaijan,
        wounded_min=3,
        wounded_max=4,
    )
    assert_equal_to_recomputation(conflict)  # held: not public yet
    revisions_approve_all(incident=world.i2, user=editor)
    assert_equal_to_recomputation(conflict)
    assert (
        ledger_accusations(conflict)[
            (date(2022, 9, 11), world.armenia.pk, world.azerbaijan.pk, "mutual")
        ]
        == 1
    )

    # edit: the figure and the accused side change (held, then approved), a verdict is given
    figure.refresh_from_db()
    accusation.refresh_from_db()
    claim_update(claim=figure, expected_version=None, wounded_min=6, wounded_max=None)
    claim_update(claim=accusation, expected_version=None, accused_side=world.armenia)
    assert_equal_to_recomputation(conflict)
    revisions_approve_all(incident=world.i2, user=editor)
    accusation.refresh_from_db()
    claim_set_verdict(claim=accusation, verdict="false")
    assert_equal_to_recomputation(conflict)

    # merge: i2 into i1 (its statements move once approved; i2 stops counting on its own day)
    incident_merge(incident=world.i2, target=world.i1, user=editor)
    assert_equal_to_recomputation(conflict)
    revisions_approve_all(incident=world.i1, user=editor)
    assert_equal_to_recomputation(conflict)
    incident_unmerge(incident=Incident.objects.get(pk=world.i2.pk), user=editor)
    assert_equal_to_recomputation(conflict)

    # retract: i1 leaves the public ledgers
    incident_retract(incident=Incident.objects.get(pk=world.i1.pk), user=editor, note="Wrong.")
    assert_equal_to_recomputation(conflict)

    # delete: a claim, then a whole incident
    Claim.objects.filter(pk=figure.pk).delete()
    incident_delete(incident=Incident.objects.get(pk=world.i2.pk), user=editor)
    assert_equal_to_recomputation(conflict)
    assert ledger_table("silences", conflict=conflict, filters=FILTERS).rows == []


SUMMARY_TABLES = (
    "ledger_accusation_day",
    "ledger_casualty_figure",
    "ledger_casualty_day",
    "ledger_latency",
    "ledger_silence",
    "ledger_verdict_day",
)


def _summaries(conflict_id: int) -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        rows = {}
        for table in SUMMARY_TABLES:
            cursor.execute(f"SELECT * FROM {table} WHERE conflict_id = %s", [conflict_id])  # noqa: S608
            rows[table] = sorted(map(repr, cursor.fetchall()))
        return rows


class _Rollback(Exception):
    """Raised to undo the recomputation once it has been read."""


def assert_summaries_as_recomputed(conflict: Conflict) -> None:
    """What the triggers left at commit equals a recomputation of every day from the base
    tables (done in a transaction that is rolled back), and nothing is left pending."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM ledger_dirty")
        assert cursor.fetchone()[0] == 0, "a committed change left a day pending"
    kept = _summaries(conflict.pk)
    recomputed: dict[str, list[str]] = {}
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT ledger_refresh(%s, '-infinity', 'infinity')", [conflict.pk])
            recomputed.update(_summaries(conflict.pk))
            raise _Rollback
    except _Rollback:
        pass
    for table in SUMMARY_TABLES:
        assert kept[table] == recomputed[table], table
    assert_equal_to_recomputation(conflict)


def _approve_all_via_api(
    api: APIClient, incident_id: int, *, reject: frozenset = frozenset()
) -> None:
    pending = PendingRevision.objects.filter(
        incident_id=incident_id, state=RevisionState.PENDING
    ).order_by("pk")
    for revision in pending:
        verb = "reject" if (revision.target, revision.target_id) in reject else "approve"
        response = api.post(f"/api/v1/revisions/{revision.pk}/{verb}/", {}, format="json")
        assert response.status_code == 200, response.content


@pytest.mark.django_db(transaction=True)
def test_summaries_follow_committed_changes_through_every_door(world, django_user_model):
    """Each change commits on its own (API requests, services, a raw SQL update, an admin-like
    bulk update), and at each commit the triggers bring the summaries to the recomputation."""
    conflict = world.demo.conflict
    editor = django_user_model.objects.create_user("ed-commits")
    editor.groups.add(Group.objects.get(name="Editor"))
    _, key = api_token_create(user=editor, name="desk", scope=TokenScope.WRITE, created_by=editor)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert_summaries_as_recomputed(conflict)

    # API: a statement and two claims added to a published incident wait for approval (held)
    response = api.post(
        "/api/v1/statements/",
        {
            "incident": world.i2.pk,
            "party": world.am.pk,
            "text": "We answer.",
            "issued_at": "2022-09-11T20:00:00Z",
        },
        format="json",
    )
    assert response.status_code in (201, 202), response.content
    statement_id = Statement.objects.get(incident=world.i2, text="We answer.").pk
    for body in (
        {"aspect": "initiator", "text": "They started.", "accused_side": world.azerbaijan.pk},
        {
            "aspect": "casualties",
            "text": "Four of theirs.",
            "casualty_side": world.azerbaijan.pk,
            "killed_min": 4,
            "killed_max": 6,
        },
    ):
        response = api.post("/api/v1/claims/", {"statement": statement_id, **body}, format="json")
        assert response.status_code in (201, 202), response.content
    assert_summaries_as_recomputed(conflict)
    figure = Claim.objects.get(statement_id=statement_id, aspect=Aspect.CASUALTIES)

    # approvals through the API; the figure is rejected (it never reaches the public)
    _approve_all_via_api(api, world.i2.pk, reject=frozenset({("claim", figure.pk)}))
    assert_summaries_as_recomputed(conflict)
    assert not Claim.objects.filter(pk=figure.pk).exists()

    # services: a revised figure on a draft, a verdict, publishing the draft
    statement = statement_create(
        incident=world.i3, party=world.az, text="Update.", issued_at=utc(2022, 9, 13, 9)
    )
    claim_create(
        statement=statement,
        aspect=Aspect.CASUALTIES,
        text="Three of ours.",
        casualty_side=world.azerbaijan,
        wounded_min=3,
    )
    claim_set_verdict(claim=Claim.objects.filter(aspect=Aspect.INITIATOR).first(), verdict="false")
    assert_summaries_as_recomputed(conflict)

    # raw SQL, as an operator's fix would be: the incident moves a day and a verdict changes
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tracker_incident SET occurred_start = occurred_start + interval '2 days'"
            " WHERE id = %s",
            [world.i1.pk],
        )
        cursor.execute(
            "UPDATE tracker_claim SET verdict = 'corroborated' WHERE statement_id IN"
            " (SELECT id FROM tracker_statement WHERE incident_id = %s)",
            [world.i2.pk],
        )
    assert_summaries_as_recomputed(conflict)

    # merge through the API (held, approved), then undone (unmerge)
    response = api.post(
        f"/api/v1/incidents/{world.i2.pk}/merge/", {"target": world.i1.pk}, format="json"
    )
    assert response.status_code in (200, 202), response.content
    _approve_all_via_api(api, world.i1.pk)
    assert Incident.objects.get(pk=world.i2.pk).merged_into_id == world.i1.pk
    assert_summaries_as_recomputed(conflict)
    response = api.post(f"/api/v1/incidents/{world.i2.pk}/unmerge/", {}, format="json")
    assert response.status_code in (200, 202), response.content
    _approve_all_via_api(api, world.i1.pk)
    assert_summaries_as_recomputed(conflict)

    # a side's role and a party's alignment change (every day of the conflict)
    Side.objects.filter(pk=world.azerbaijan.pk).update(role=SideRole.THIRD_PARTY)
    assert_summaries_as_recomputed(conflict)
    Side.objects.filter(pk=world.azerbaijan.pk).update(role=SideRole.BELLIGERENT)
    Alignment.objects.filter(party=world.az, side=world.azerbaijan).delete()
    assert_summaries_as_recomputed(conflict)
    Alignment.objects.create(party=world.az, side=world.azerbaijan)

    # retraction and deletion through the API
    i1 = api.get(f"/api/v1/incidents/{world.i1.pk}/").json()
    response = api.post(
        f"/api/v1/incidents/{world.i1.pk}/retract/",
        {"version": i1["version"], "note": "Wrong."},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert_summaries_as_recomputed(conflict)
    incident_delete(incident=Incident.objects.get(pk=world.i2.pk), user=editor)
    assert_summaries_as_recomputed(conflict)
