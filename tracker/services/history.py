"""Undo of deletes, from the history that PostgreSQL triggers record (pghistory).

Every tracked row's delete is an event holding the whole row. Rows deleted by one action (a claim
and the citations and counterclaims that cascaded with it) share the transaction's timestamp,
which the triggers write as pgh_created_at: restoring one brings back the whole action."""

from django.core.exceptions import ValidationError
from django.db import models, transaction

from tracker.models import Incident, Source
from tracker.models.history import DELETE_LABEL, TRACKED_MODELS, event_model
from tracker.services.common import Actor
from tracker.services.revisions import addition_restore


def _recreate(
    model: type[models.Model], event: models.Model, user: Actor, *, gate: bool
) -> models.Model:
    """The row as it was. With GATE, an incident's contents come back through the publish gate
    (held for approval when the incident is published)."""
    values = {
        field.attname: getattr(event, field.attname)
        for field in model._meta.concrete_fields
        if hasattr(event, field.attname)
    }
    obj = model(**values)
    if not gate or model in (Incident, Source):
        obj.save(force_insert=True)
        return obj
    return addition_restore(obj=obj, user=user)


@transaction.atomic
def history_restore(*, model: type[models.Model], pk: int, user: Actor = None) -> models.Model:
    """Bring back the deleted row MODEL/PK with everything its deletion took along. Rows that
    come back into a published incident are additions like any other: held for approval (a
    whole incident restored comes back as it was)."""
    if model not in TRACKED_MODELS:
        raise ValidationError(f"{model.__name__} has no restorable history.")
    if model._default_manager.filter(pk=pk).exists():
        raise ValidationError(f"{model._meta.verbose_name} {pk} is not deleted.")
    last_delete = (
        event_model(model)
        .objects.filter(pgh_obj_id=pk, pgh_label=DELETE_LABEL)
        .order_by("-pgh_id")
        .first()
    )
    if last_delete is None:
        raise ValidationError(f"No deleted {model._meta.verbose_name} {pk} in the history.")
    restored = None
    incident_back = False
    for tracked in TRACKED_MODELS:
        events = (
            event_model(tracked)
            .objects.filter(pgh_label=DELETE_LABEL, pgh_created_at=last_delete.pgh_created_at)
            .order_by("pgh_id")
        )
        for event in events:
            if tracked._default_manager.filter(pk=event.pgh_obj_id).exists():
                continue
            # Contents restored with their incident come back as they were, held or not.
            obj = _recreate(tracked, event, user, gate=not incident_back)
            incident_back = incident_back or tracked is Incident
            if tracked is model and obj.pk == pk:
                restored = obj
    assert restored is not None
    return restored
