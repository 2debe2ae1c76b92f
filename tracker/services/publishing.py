"""An incident's editorial lifecycle: draft → in review → published → retracted, merging a
duplicate into another incident (and undoing it), and deleting. Every transition is logged in
EditorialLogEntry; publishing, retracting, merging and deleting a public incident notify webhook
subscribers after commit.

Callers (the editorial UI, the API) check permissions; these functions check the rules."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tracker.enums import (
    EditorialAction,
    EditorialState,
    RevisionAction,
    RevisionState,
    WebhookEvent,
)
from tracker.models import (
    Assignment,
    Comment,
    Counterclaim,
    EditorialLogEntry,
    Incident,
    PendingRevision,
    Statement,
)
from tracker.services.common import Actor, person, update_versioned
from tracker.services.errors import StateConflictError
from tracker.services.webhooks import incident_event, incident_updated, is_public


def _log(incident: Incident, action: EditorialAction, user: Actor, **values: object) -> None:
    EditorialLogEntry.objects.create(
        incident_id=incident.pk,
        action=action,
        user=person(user),
        **values,
    )


def _transition(
    incident: Incident,
    *,
    allowed_from: set[EditorialState],
    to: EditorialState,
    expected_version: int | None,
) -> Incident:
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.merged_into_id is not None:
        raise StateConflictError("This incident was merged into another one; edit that one.")
    if incident.state not in allowed_from:
        raise StateConflictError(
            f"A {incident.get_state_display().lower()} incident cannot become {to.label.lower()}."
        )
    return update_versioned(incident, expected_version=expected_version, fields={"state": to})


@transaction.atomic
def incident_submit_for_review(
    *, incident: Incident, user: Actor, expected_version: int | None = None
) -> Incident:
    incident = _transition(
        incident,
        allowed_from={EditorialState.DRAFT},
        to=EditorialState.IN_REVIEW,
        expected_version=expected_version,
    )
    _log(incident, EditorialAction.SUBMITTED, user)
    return incident


@transaction.atomic
def incident_publish(
    *, incident: Incident, user: Actor, expected_version: int | None = None
) -> Incident:
    """Publish from review, or re-publish a retracted incident after correction."""
    incident = _transition(
        incident,
        allowed_from={EditorialState.DRAFT, EditorialState.IN_REVIEW, EditorialState.RETRACTED},
        to=EditorialState.PUBLISHED,
        expected_version=expected_version,
    )
    _log(incident, EditorialAction.PUBLISHED, user)
    incident_event(event=WebhookEvent.INCIDENT_PUBLISHED, incident=incident)
    return incident


@transaction.atomic
def incident_retract(
    *, incident: Incident, user: Actor, note: str, expected_version: int | None = None
) -> Incident:
    """Withdraw a published incident. NOTE (required) says why; it is logged and sent to
    webhook subscribers, and API consumers get a tombstone with reason 'retracted'."""
    if not note.strip():
        raise ValidationError({"note": "Say why the incident is retracted."})
    incident = _transition(
        incident,
        allowed_from={EditorialState.PUBLISHED},
        to=EditorialState.RETRACTED,
        expected_version=expected_version,
    )
    _log(incident, EditorialAction.RETRACTED, user, note=note.strip())
    incident_event(event=WebhookEvent.INCIDENT_RETRACTED, incident=incident, note=note.strip())
    return incident


def _merge_pair(incident: Incident, target: Incident) -> tuple[Incident, Incident]:
    """Both incidents locked and checked for a merge of INCIDENT into TARGET."""
    if incident.pk == target.pk:
        raise ValidationError({"target": "An incident cannot be merged into itself."})
    locked = {
        row.pk: row
        for row in Incident.objects.select_for_update().filter(pk__in=[incident.pk, target.pk])
    }
    incident, target = locked[incident.pk], locked[target.pk]
    if incident.merged_into_id is not None:
        raise StateConflictError("This incident is already merged into another one.")
    if target.merged_into_id is not None:
        raise StateConflictError({"target": "The target was itself merged; merge into its target."})
    if incident.conflict_id != target.conflict_id:
        raise ValidationError({"target": "Both incidents must belong to the same conflict."})
    return incident, target


@transaction.atomic
def incident_merge(
    *, incident: Incident, target: Incident, user: Actor, note: str = ""
) -> PendingRevision | None:
    """Merge duplicate INCIDENT into TARGET, or, when TARGET is published, hold the merge as a
    pending revision (the publish gate, tracker.services.revisions): nothing moves until an
    editor approves. Returns the revision, or None when merged."""
    incident, target = _merge_pair(incident, target)
    if target.state != EditorialState.PUBLISHED:
        incident_merge_apply(incident=incident, target=target, user=user, note=note)
        return None
    held = PendingRevision.objects.filter(
        action=RevisionAction.MERGE, target_id=incident.pk, state=RevisionState.PENDING
    ).first()
    if held is not None:
        raise ValidationError(f"A merge of #{incident.pk} is already awaiting approval.")
    return PendingRevision.objects.create(
        incident=target,
        action=RevisionAction.MERGE,
        target=PendingRevision.Target.INCIDENT,
        target_id=incident.pk,
        changes={"note": note},
        author=person(user),
    )


def _assignment_merged(incident: Incident, target: Incident) -> dict[str, object] | None:
    """INCIDENT's assignment leaves it (a merged duplicate is nobody's work); TARGET takes its
    assignee when TARGET has none. What was done, for the log and incident_unmerge."""
    source = Assignment.objects.filter(incident=incident).first()
    if source is None:
        return None
    taken = not Assignment.objects.filter(incident=target).exists()
    if taken:
        Assignment.objects.create(
            incident=target, assignee_id=source.assignee_id, assigned_by_id=source.assigned_by_id
        )
    source.delete()
    return {"assignee": source.assignee_id, "assigned_by": source.assigned_by_id, "taken": taken}


def _assignment_unmerged(incident: Incident, target_id: int, moved: dict | None) -> None:
    """Undo _assignment_merged: INCIDENT gets its assignee back; TARGET gives back an assignee
    it took, unless someone was assigned to it since."""
    if not moved:
        return
    if moved["taken"]:
        Assignment.objects.filter(incident_id=target_id, assignee_id=moved["assignee"]).delete()
    Assignment.objects.update_or_create(
        incident=incident,
        defaults={"assignee_id": moved["assignee"], "assigned_by_id": moved["assigned_by"]},
    )


@transaction.atomic
def incident_merge_apply(
    *, incident: Incident, target: Incident, user: Actor, note: str = ""
) -> Incident:
    """The merge itself: INCIDENT's statements (with their claims, citations and counterclaims)
    and its comments (authors and times kept, marked as from INCIDENT) move to TARGET, TARGET
    keeps its assignee or takes INCIDENT's when it has none, and INCIDENT points at TARGET.
    Returns TARGET. Only incident_merge and the approval of a held merge call this.

    What moved is logged, so incident_unmerge can move exactly that back."""
    incident, target = _merge_pair(incident, target)
    was_public = is_public(incident)
    moved = list(Statement.objects.filter(incident=incident).values_list("id", flat=True))
    Statement.objects.filter(id__in=moved).update(incident=target, updated_at=timezone.now())
    comments = Comment.objects.filter(incident=incident)
    moved_comments = list(comments.values_list("id", flat=True))
    # A comment a chain of merges carried keeps the incident it was first written on.
    comments.filter(merged_from__isnull=True).update(merged_from=incident)
    Comment.objects.filter(id__in=moved_comments).update(incident=target)
    incident = update_versioned(incident, expected_version=None, fields={"merged_into": target})
    _log(
        incident,
        EditorialAction.MERGED,
        user,
        note=note,
        merged_into_id=target.pk,
        moved_statement_ids=moved,
        moved_comment_ids=moved_comments,
        moved_assignment=_assignment_merged(incident, target),
    )
    target.refresh_from_db()
    if was_public:
        incident_event(event=WebhookEvent.INCIDENT_MERGED, incident=incident, merged_into=target.pk)
    incident_updated(incident=target)
    return target


@transaction.atomic
def incident_unmerge(*, incident: Incident, user: Actor) -> Incident:
    """Undo the last merge of INCIDENT: the statements and comments that came from it go back
    (those since deleted stay deleted; so do comments written since on its claims), its
    assignment comes back, counterclaims paired across the two incidents meanwhile are removed
    (they would relate claims of different incidents), and INCIDENT is independent again."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.merged_into_id is None:
        raise StateConflictError("This incident is not merged.")
    entry = (
        EditorialLogEntry.objects.filter(incident_id=incident.pk, action=EditorialAction.MERGED)
        .order_by("-created_at", "-id")
        .first()
    )
    moved = entry.moved_statement_ids if entry is not None else []
    target_id = incident.merged_into_id
    back = Statement.objects.filter(id__in=moved, incident_id=target_id)
    back_claims = Q(claim_a__statement__in=back) ^ Q(claim_b__statement__in=back)
    Counterclaim.objects.filter(back_claims).delete()
    comments = Comment.objects.filter(incident_id=target_id).filter(
        Q(id__in=entry.moved_comment_ids if entry is not None else [])
        | Q(claim__statement__in=back)
    )
    comments.filter(merged_from=incident).update(merged_from=None)
    comments.update(incident=incident)
    back.update(incident=incident, updated_at=timezone.now())
    _assignment_unmerged(incident, target_id, entry.moved_assignment if entry else None)
    incident = update_versioned(incident, expected_version=None, fields={"merged_into": None})
    _log(incident, EditorialAction.UNMERGED, user, merged_into_id=target_id)
    incident_updated(incident=incident)
    incident_updated(incident=Incident.objects.get(pk=target_id))
    return incident


@transaction.atomic
def incident_delete(*, incident: Incident, user: Actor) -> None:
    """Delete INCIDENT with everything in it. pghistory keeps every deleted row (restorable by
    an editor); API consumers get a tombstone with reason 'deleted'."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if Incident.objects.filter(merged_into=incident).exists():
        raise StateConflictError("Other incidents are merged into this one; unmerge them first.")
    _log(incident, EditorialAction.DELETED, user)
    if is_public(incident):
        # Before the row goes (it takes the id with it); the same transaction, so a failed
        # deletion announces nothing.
        incident_event(event=WebhookEvent.INCIDENT_DELETED, incident=incident)
    incident.delete()
