"""The publish gate: one mechanism for every change to a published incident.

Whatever the door (edit form, inbox, source page, admin, API, merge, history restore), a change
to a published incident's content is held as a PendingRevision until an editor approves it:

- edits (`edit_submit`): the new values wait in the revision; the row keeps the approved ones.
- additions (`addition_save`): the row is saved `held`, which every public read leaves out.
- deletions (`deletion_submit`): the row stays public until the deletion is approved.
- merges into a published incident: held by tracker.services.publishing.incident_merge.

On an incident that is not published everything applies at once. Approving moves the
incident's `updated_at` (the public page's "Last updated"); nothing held moves it."""

from __future__ import annotations

import json
from typing import Any, TypeVar, cast

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from tracker.enums import EditorialState, ProposalState, RevisionAction, RevisionState
from tracker.models import (
    CLAIM_VALUE_FIELDS,
    INCIDENT_VALUE_FIELDS,
    Citation,
    Claim,
    Counterclaim,
    Incident,
    PendingRevision,
    Statement,
)
from tracker.models.revision import REVISION_MODELS
from tracker.services.collab import revision_decided
from tracker.services.common import Actor, person, save_validated, update_versioned
from tracker.services.errors import StaleEditError, StateConflictError
from tracker.services.publishing import incident_merge_apply
from tracker.services.webhooks import counterclaim_confirmed, incident_updated

M = TypeVar("M", bound=models.Model)
Target = PendingRevision.Target
# What edits may change; state, merges and verdicts have their own services.
EDITABLE: dict[str, frozenset[str]] = {
    Target.INCIDENT: frozenset(INCIDENT_VALUE_FIELDS),
    Target.STATEMENT: frozenset(
        {
            "issued_at",
            "channel",
            "original_url",
            "text",
            "language",
            "translation",
            "translation_kind",
            "reported_by",
        }
    ),
    Target.CLAIM: frozenset(CLAIM_VALUE_FIELDS),
    Target.CITATION: frozenset(),
    # A decision on a proposed relation (tracker.services.claims.counterclaim_decide).
    Target.COUNTERCLAIM: frozenset({"state", "relation", "reason", "decided_by", "decided_at"}),
}


def target_of(obj: models.Model) -> str:
    for target, model in REVISION_MODELS.items():
        if isinstance(obj, model):
            return target
    raise TypeError(f"{type(obj).__name__} is not part of an incident")


def incident_of(obj: models.Model) -> Incident:
    if isinstance(obj, Incident):
        return obj
    if isinstance(obj, Statement):
        return obj.incident
    if isinstance(obj, Claim):
        return obj.statement.incident
    if isinstance(obj, Citation):
        return (obj.claim.statement if obj.claim_id else obj.statement).incident  # type: ignore[union-attr]
    if isinstance(obj, Counterclaim):
        return obj.claim_a.statement.incident
    raise TypeError(f"{type(obj).__name__} is not part of an incident")


def _parents(obj: models.Model) -> list[models.Model]:
    """The rows OBJ cannot be public without."""
    if isinstance(obj, Claim):
        return [obj.statement]
    if isinstance(obj, Citation):
        return [obj.claim if obj.claim_id else obj.statement]  # type: ignore[list-item]
    if isinstance(obj, Counterclaim):
        return [obj.claim_a, obj.claim_b]
    return []


def _gated_incident(obj: models.Model) -> tuple[Incident, bool]:
    """OBJ's incident, locked so that a publish cannot slip between reading its state and
    writing the change, and whether changes to it are held."""
    incident = Incident.objects.select_for_update(no_key=True).get(pk=incident_of(obj).pk)
    return incident, incident.state == EditorialState.PUBLISHED


def _hold(
    incident: Incident, action: RevisionAction, obj: models.Model, user: Actor, **values: Any
) -> PendingRevision:
    return PendingRevision.objects.create(
        incident=incident,
        action=action,
        target=target_of(obj),
        target_id=obj.pk,
        author=person(user),
        **values,
    )


@transaction.atomic
def addition_save(*, obj: M, user: Actor = None) -> M:
    """Save new OBJ (a statement, claim, citation or counterclaim). In a published incident, or
    under a row that is itself awaiting approval, it is saved `held`, with an addition revision:
    the newsroom sees it at once, the public once an editor approves. Every create service goes
    through here."""
    return _addition(obj, user, save_validated)


def addition_restore(*, obj: M, user: Actor = None) -> M:
    """Insert OBJ as the history's restore rebuilt it (its old id, no validation: it was valid
    when deleted), held like any addition. When what it belonged to is gone as well, the insert
    is left to fail on its foreign key, as it would without the gate."""
    try:
        incident_of(obj)
    except ObjectDoesNotExist:
        obj.save(force_insert=True)
        return obj
    return _addition(obj, user, lambda row: row.save(force_insert=True))


def _addition(obj: M, user: Actor, save: Any) -> M:
    incident, gated = _gated_incident(obj)
    held = gated or any(getattr(parent, "held", False) for parent in _parents(obj))
    obj.held = held  # type: ignore[attr-defined]
    save(obj)
    if held:
        _hold(incident, RevisionAction.ADD, obj, user)
    return obj


def _as_json(model: type[models.Model], fields: dict[str, Any]) -> dict[str, Any]:
    """Foreign keys by id, datetimes as ISO text: what a JSONField can hold."""
    out = {}
    for name, value in fields.items():
        field = cast(models.Field, model._meta.get_field(name))
        if field.is_relation:
            out[field.attname] = value.pk if isinstance(value, models.Model) else value
        else:
            out[name] = value
    return json.loads(json.dumps(out, cls=DjangoJSONEncoder))


def _from_json(model: type[models.Model], changes: dict[str, Any]) -> dict[str, Any]:
    values = {}
    for key, raw in changes.items():
        field = cast(models.Field, model._meta.get_field(key.removesuffix("_id")))
        values[field.attname] = raw if field.is_relation or raw is None else field.to_python(raw)
    return values


def _changed_only(obj: models.Model, fields: dict[str, Any]) -> dict[str, Any]:
    changed = {}
    for name, value in fields.items():
        field = cast(models.Field, obj._meta.get_field(name))
        current = getattr(obj, field.attname if field.is_relation else name)
        new = value.pk if field.is_relation and isinstance(value, models.Model) else value
        if current != new:
            changed[name] = value
    return changed


def _apply(obj: M, *, expected_version: int | None, fields: dict[str, Any]) -> M:
    """Versioned rows through the optimistic lock; citations and counterclaims have none."""
    if hasattr(obj, "version"):
        return update_versioned(obj, expected_version=expected_version, fields=fields)
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save(update_fields=[*fields, "updated_at"])
    return obj


@transaction.atomic
def edit_submit(
    *, obj: models.Model, user: Actor, expected_version: int | None, fields: dict[str, Any]
) -> PendingRevision | None:
    """Apply FIELDS to OBJ, or hold them as a pending revision when its incident is published
    (and OBJ is public: a held addition is edited in place). Returns the revision, or None when
    applied."""
    target = target_of(obj)
    unknown = set(fields) - EDITABLE[target]
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    fields = _changed_only(obj, fields)
    if not fields:
        return None
    incident, gated = _gated_incident(obj)
    if not gated or getattr(obj, "held", False):
        _apply(obj, expected_version=expected_version, fields=fields)
        return None
    current = getattr(obj, "version", None)
    if expected_version is not None and expected_version != current:
        raise StaleEditError(obj, expected_version, current or 0)
    # Validate now on a copy, so an editor is never asked to approve impossible data.
    probe = type(obj)._default_manager.get(pk=obj.pk)
    for name, value in fields.items():
        setattr(probe, name, value)
    probe.full_clean()
    return _hold(
        incident,
        RevisionAction.EDIT,
        obj,
        user,
        base_version=current,
        changes=_as_json(type(obj), fields),
    )


@transaction.atomic
def deletion_submit(*, obj: models.Model, user: Actor) -> PendingRevision | None:
    """Delete OBJ (a statement, claim, citation or counterclaim, with what depends on it), or
    hold the deletion when its incident is published: the public keeps reading it until an
    editor approves. A held addition is withdrawn at once, since the public never saw it.
    Asking twice for the same deletion returns the pending one."""
    incident, gated = _gated_incident(obj)
    if not gated or getattr(obj, "held", False):
        _delete(obj, incident, user)
        return None
    open_deletion = PendingRevision.objects.filter(
        target=target_of(obj),
        target_id=obj.pk,
        action=RevisionAction.DELETE,
        state=RevisionState.PENDING,
    ).first()
    if open_deletion is not None:
        return open_deletion
    return _hold(
        incident, RevisionAction.DELETE, obj, user, base_version=getattr(obj, "version", None)
    )


def _delete(obj: models.Model, incident: Incident, user: Actor) -> None:
    obj.delete()
    _withdraw_orphans(incident, user)


def _withdraw_orphans(incident: Incident, user: Actor) -> None:
    """Close the open revisions whose row is gone (deleted, or cascaded with another row)."""
    pending = PendingRevision.objects.filter(incident=incident, state=RevisionState.PENDING)
    pending = pending.exclude(action=RevisionAction.MERGE)
    wanted: dict[str, set[int]] = {}
    for revision in pending:
        wanted.setdefault(revision.target, set()).add(revision.target_id)
    alive = {
        (target, pk)
        for target, ids in wanted.items()
        for pk in REVISION_MODELS[target]
        ._default_manager.filter(pk__in=ids)
        .values_list("pk", flat=True)
    }
    for revision in pending:
        if (revision.target, revision.target_id) not in alive:
            _decide(revision, RevisionState.WITHDRAWN, user)


def revision_object(revision: PendingRevision) -> models.Model | None:
    return REVISION_MODELS[revision.target]._default_manager.filter(pk=revision.target_id).first()


def _locked_pending(revision: PendingRevision) -> PendingRevision:
    revision = PendingRevision.objects.select_for_update().get(pk=revision.pk)
    if revision.state != RevisionState.PENDING:
        raise StateConflictError("This revision was already decided.")
    return revision


@transaction.atomic
def revision_approve(*, revision: PendingRevision, user: Actor) -> models.Model | None:
    """Apply a pending revision, and move the incident's public "Last updated". An edit made
    against an older version is refused (a later edit or another approval changed the row): the
    editor then sees the current version and decides. An addition under a row still awaiting
    approval is refused until that row is approved."""
    revision = _locked_pending(revision)
    if revision.action == RevisionAction.MERGE:
        duplicate = Incident.objects.filter(pk=revision.target_id).first()
        if duplicate is None:
            raise ValidationError("The incident to merge has been deleted.")
        incident_merge_apply(
            incident=duplicate,
            target=revision.incident,
            user=user,
            note=revision.changes.get("note", ""),
        )
        obj: models.Model | None = revision.incident
    else:
        obj = _approve_row(revision, user)
    _decide(revision, RevisionState.APPROVED, user)
    Incident.objects.filter(pk=revision.incident_id).update(updated_at=timezone.now())
    if revision.action != RevisionAction.MERGE:  # the merge announced itself
        incident_updated(incident=Incident.objects.get(pk=revision.incident_id))
    return obj


def _approve_row(revision: PendingRevision, user: Actor) -> models.Model | None:
    obj = revision_object(revision)
    if obj is None:
        raise ValidationError("What this revision changes has been deleted.")
    if revision.action == RevisionAction.DELETE:
        _delete(obj, revision.incident, user)
        return None
    if revision.action == RevisionAction.ADD:
        waiting = [parent for parent in _parents(obj) if getattr(parent, "held", False)]
        if waiting:
            raise ValidationError(
                f"Approve the addition of {waiting[0]._meta.verbose_name} “{waiting[0]}” first."
            )
        _apply(obj, expected_version=None, fields={"held": False})
    else:
        fields = _from_json(REVISION_MODELS[revision.target], revision.changes)
        _apply(obj, expected_version=revision.base_version, fields=fields)
    if isinstance(obj, Counterclaim) and obj.state == ProposalState.CONFIRMED:
        counterclaim_confirmed(counterclaim=obj)
    return obj


@transaction.atomic
def revision_reject(*, revision: PendingRevision, user: Actor) -> None:
    """Refuse a pending revision. A refused addition is deleted with what was added under it."""
    revision = _locked_pending(revision)
    _decide(revision, RevisionState.REJECTED, user)
    if revision.action == RevisionAction.ADD:
        obj = revision_object(revision)
        if obj is not None:
            _delete(obj, revision.incident, user)


@transaction.atomic
def revisions_approve_all(*, incident: Incident, user: Actor) -> int:
    """Approve INCIDENT's pending revisions in the order they were made (parents before what
    was added under them). All or nothing: a refused one (a stale edit) raises its message and
    none is applied. Returns how many were approved."""
    approved = 0
    for revision in incident.revisions.filter(state=RevisionState.PENDING).order_by("id"):
        revision.refresh_from_db()
        if revision.state == RevisionState.PENDING:
            revision_approve(revision=revision, user=user)
            approved += 1
    return approved


def _decide(revision: PendingRevision, state: RevisionState, user: Actor) -> None:
    revision.state = state
    revision.decided_by = person(user)
    revision.decided_at = timezone.now()
    revision.save(update_fields=["state", "decided_by", "decided_at"])
    revision_decided(revision=revision)
