"""The ledgers equal a recomputation from the rows, written independently here in Python over
the ORM, after every kind of change: creates, edits, verdicts, merges, unmerges, retractions and
deletes (each through its service)."""

from collections import Counter
from datetime import date

import pytest

from tests.factories import utc
from tracker.enums import Aspect, LedgerZoom
from tracker.models import Alignment, Claim, Incident
from tracker.selectors.ledgers import LedgerFilters, ledger_table
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
