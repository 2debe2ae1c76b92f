import pghistory
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from tracker.enums import Aspect, Verdict
from tracker.models import Citation, Claim, Counterclaim
from tracker.models.history import event_model
from tracker.services.claims import claim_set_verdict
from tracker.services.errors import StaleEditError
from tracker.services.history import history_restore

pytestmark = pytest.mark.django_db


def test_claim_change_recorded_with_who_and_what(demo):
    editor = get_user_model().objects.create_user("ed")
    claim = demo.claims[("Azerbaijan", Aspect.INITIATOR)]
    with pghistory.context(user=editor.pk):
        claim_set_verdict(
            claim=claim, verdict=Verdict.CONTESTED, note="Both sides blame the other."
        )
    events = event_model(Claim).objects.filter(pgh_obj_id=claim.pk).order_by("pgh_id")
    assert [event.pgh_label for event in events] == ["insert", "update"]
    last = events.last()
    assert last.verdict == Verdict.CONTESTED
    assert last.pgh_context.metadata["user"] == editor.pk


def test_bulk_update_is_still_in_history(demo):
    Claim.objects.filter(statement=demo.statements["Armenia"]).update(verdict=Verdict.FALSE)
    updates = event_model(Claim).objects.filter(pgh_label="update", verdict=Verdict.FALSE)
    assert updates.count() == 5


def test_stale_edit_refused_and_nothing_overwritten(demo):
    claim = demo.claims[("Armenia", Aspect.TIMING)]
    claim_set_verdict(claim=claim, verdict=Verdict.CORROBORATED, expected_version=1)
    stale = Claim.objects.get(pk=claim.pk)
    stale.version = 1  # a form read before the first save
    with pytest.raises(StaleEditError, match="changed by someone else"):
        claim_set_verdict(claim=stale, verdict=Verdict.FALSE, expected_version=1)
    assert Claim.objects.get(pk=claim.pk).verdict == Verdict.CORROBORATED


def test_deleted_claim_restored_with_its_citations_and_counterclaims(demo):
    claim = demo.claims[("Armenia", Aspect.INITIATOR)]
    citation_ids = set(claim.citations.values_list("pk", flat=True))
    pairs = Counterclaim.objects.filter(claim_a=claim) | Counterclaim.objects.filter(claim_b=claim)
    pair_ids = set(pairs.values_list("pk", flat=True))
    assert citation_ids
    assert pair_ids
    claim_pk = claim.pk
    claim.delete()
    assert not Citation.objects.filter(pk__in=citation_ids).exists()

    restored = history_restore(model=Claim, pk=claim_pk)

    assert restored.text == "Azerbaijani units fired first, violating the cease-fire."
    assert set(Citation.objects.filter(claim=restored).values_list("pk", flat=True)) == citation_ids
    assert (
        set(Counterclaim.objects.filter(pk__in=pair_ids).values_list("pk", flat=True)) == pair_ids
    )


def test_restore_of_a_live_row_refused(demo):
    with pytest.raises(ValidationError, match="is not deleted"):
        history_restore(model=Claim, pk=demo.claims[("Armenia", Aspect.TIMING)].pk)
