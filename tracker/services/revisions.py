"""Edits from the editorial pages: applied at once to incidents not yet published, held as a
pending revision on a published one until an editor approves it."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from tracker.enums import EditorialState, RevisionState
from tracker.models import Claim, Incident, PendingRevision, Statement
from tracker.services.common import update_versioned
from tracker.services.errors import StaleEditError
from tracker.services.incidents import EDITABLE_FIELDS as INCIDENT_EDITABLE_FIELDS
from tracker.services.webhooks import incident_updated

Target = PendingRevision.Target
MODELS: dict[str, type[models.Model]] = {
    Target.INCIDENT: Incident,
    Target.STATEMENT: Statement,
    Target.CLAIM: Claim,
}
# What the edit forms may change; state, merges and verdicts have their own services.
EDITABLE: dict[str, frozenset[str]] = {
    Target.INCIDENT: INCIDENT_EDITABLE_FIELDS,
    Target.STATEMENT: frozenset(
        {
            "issued_at",
            "channel",
            "original_url",
            "text",
            "language",
            "translation",
            "translation_kind",
        }
    ),
    Target.CLAIM: frozenset(
        {
            "aspect",
            "text",
            "accused_side",
            "killed_min",
            "killed_max",
            "wounded_min",
            "wounded_max",
            "casualty_side",
            "time_start",
            "time_end",
            "time_precision",
            "place",
            "latitude",
            "longitude",
        }
    ),
}


def _target_of(obj: models.Model) -> str:
    for target, model in MODELS.items():
        if isinstance(obj, model):
            return target
    raise TypeError(f"{type(obj).__name__} is not editable through revisions")


def _incident_of(obj: models.Model) -> Incident:
    if isinstance(obj, Incident):
        return obj
    if isinstance(obj, Statement):
        return obj.incident
    return obj.statement.incident  # type: ignore[attr-defined]


def _as_json(model: type[models.Model], fields: dict[str, Any]) -> dict[str, Any]:
    """Foreign keys by id, datetimes as ISO text: what a JSONField can hold."""
    out = {}
    for name, value in fields.items():
        field = model._meta.get_field(name)
        if field.is_relation:
            out[field.attname] = value.pk if isinstance(value, models.Model) else value
        else:
            out[name] = value
    return json.loads(json.dumps(out, cls=DjangoJSONEncoder))


def _from_json(model: type[models.Model], changes: dict[str, Any]) -> dict[str, Any]:
    values = {}
    for key, raw in changes.items():
        field = model._meta.get_field(key.removesuffix("_id"))
        values[field.attname] = raw if field.is_relation or raw is None else field.to_python(raw)
    return values


def _changed_only(obj: models.Model, fields: dict[str, Any]) -> dict[str, Any]:
    changed = {}
    for name, value in fields.items():
        field = obj._meta.get_field(name)
        current = getattr(obj, field.attname if field.is_relation else name)
        new = value.pk if field.is_relation and isinstance(value, models.Model) else value
        if current != new:
            changed[name] = value
    return changed


@transaction.atomic
def edit_submit(
    *, obj: models.Model, user: Any, expected_version: int | None, fields: dict[str, Any]
) -> PendingRevision | None:
    """Apply FIELDS to OBJ (an incident, statement or claim), or hold them as a pending revision
    when its incident is published. Returns the revision, or None when applied."""
    target = _target_of(obj)
    unknown = set(fields) - EDITABLE[target]
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    fields = _changed_only(obj, fields)
    if not fields:
        return None
    incident = _incident_of(obj)
    if incident.state != EditorialState.PUBLISHED:
        update_versioned(obj, expected_version=expected_version, fields=fields)
        return None
    current = obj.version  # type: ignore[attr-defined]
    if expected_version is not None and expected_version != current:
        raise StaleEditError(obj, expected_version, current)
    # Validate now on a copy, so an editor is never asked to approve impossible data.
    probe = type(obj)._default_manager.get(pk=obj.pk)
    for name, value in fields.items():
        setattr(probe, name, value)
    probe.full_clean()
    return PendingRevision.objects.create(
        incident=incident,
        target=target,
        target_id=obj.pk,
        base_version=current,
        changes=_as_json(type(obj), fields),
        author=user,
    )


def revision_object(revision: PendingRevision) -> models.Model | None:
    return MODELS[revision.target]._default_manager.filter(pk=revision.target_id).first()


@transaction.atomic
def revision_approve(*, revision: PendingRevision, user: Any) -> models.Model:
    """Apply a pending revision. Refused when the row changed since the revision was made (a
    later edit or another approval): the editor then sees the current version and decides."""
    revision = PendingRevision.objects.select_for_update().get(pk=revision.pk)
    if revision.state != RevisionState.PENDING:
        raise ValidationError("This revision was already decided.")
    obj = revision_object(revision)
    if obj is None:
        raise ValidationError("What this revision edits has been deleted.")
    fields = _from_json(MODELS[revision.target], revision.changes)
    obj = update_versioned(obj, expected_version=revision.base_version, fields=fields)
    _decide(revision, RevisionState.APPROVED, user)
    incident_updated(incident=_incident_of(obj))
    return obj


@transaction.atomic
def revision_reject(*, revision: PendingRevision, user: Any) -> None:
    revision = PendingRevision.objects.select_for_update().get(pk=revision.pk)
    if revision.state != RevisionState.PENDING:
        raise ValidationError("This revision was already decided.")
    _decide(revision, RevisionState.REJECTED, user)


def _decide(revision: PendingRevision, state: RevisionState, user: Any) -> None:
    revision.state = state
    revision.decided_by = user
    revision.decided_at = timezone.now()
    revision.save(update_fields=["state", "decided_by", "decided_at"])
