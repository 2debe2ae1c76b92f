"""Reads of the change history that PostgreSQL triggers record (pghistory event tables).

Each tracked row's every insert, update and delete is one event holding the whole row, so a
field-by-field diff is the difference between two consecutive events of the same object. Who made
a change is the `user` that pghistory's HistoryMiddleware puts into the event's context during a
request; changes from ingest, tasks and shell have no user."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Exists, F, OuterRef, Value

from tracker.models.history import DELETE_LABEL, TRACKED_MODELS, event_model

# URL names of the models whose history can be shown (incident, statement, claim, ...).
HISTORY_MODELS: dict[str, type[models.Model]] = {
    str(model._meta.model_name): model for model in TRACKED_MODELS
}
# Bookkeeping every save touches: a diff listing them on every version says nothing.
NOT_DIFFED = {"id", "created_at", "updated_at", "version", "content_hash"}
# The fields, first non-empty wins, that name a deleted row, where the row can no longer say.
NAME_FIELDS = {
    "incident": ("title",),
    "statement": ("text",),
    "claim": ("text",),
    "counterclaim": ("reason", "relation"),
    "source": ("title", "url"),
    "citation": ("excerpt",),
}
# Texts longer than this are shown as a word diff, not as two whole copies.
LONG_TEXT = 160
DIFF_CONTEXT_WORDS = 8
VERSIONS_PER_PAGE = 25
DELETED_PER_PAGE = 50


@dataclass
class FieldChange:
    name: str
    label: str
    old: Any
    new: Any
    # A word diff of long texts: (kind, text) pieces, kind one of "same", "del", "ins", "gap".
    pieces: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Version:
    event: models.Model
    label: str  # insert, update, delete
    at: datetime
    user: str | None
    changes: list[FieldChange]


@dataclass
class DeletedRow:
    kind: str
    model: type[models.Model]
    obj_id: int
    at: datetime
    name: str
    user: str | None
    # Other rows removed by the same action (cascades): restoring one brings all back.
    batch: int = 0

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)


def _diffed_fields(model: type[models.Model]) -> list[models.Field]:
    event = event_model(model)
    event_columns = {f.attname for f in event._meta.concrete_fields}
    return [
        f
        for f in model._meta.concrete_fields
        if f.attname in event_columns and f.name not in NOT_DIFFED and f.editable
    ]


def _word_pieces(old: str, new: str) -> list[tuple[str, str]]:
    """Inline word diff with a little context around each change, long equal runs elided."""
    before, after = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    pieces: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            same = before[a1:a2]
            keep = DIFF_CONTEXT_WORDS * 2  # tokens alternate word, space
            if len(same) > keep * 2 + 1:
                head = "".join(same[:keep]) if pieces else ""
                tail = "".join(same[-keep:]) if a2 < len(before) or b2 < len(after) else ""
                if head:
                    pieces.append(("same", head))
                pieces.append(("gap", "…"))
                if tail:
                    pieces.append(("same", tail))
            else:
                pieces.append(("same", "".join(same)))
            continue
        if a2 > a1:
            pieces.append(("del", "".join(before[a1:a2])))
        if b2 > b1:
            pieces.append(("ins", "".join(after[b1:b2])))
    return pieces


def _display(model_field: models.Field, value: Any, names: dict[tuple[type, Any], str]) -> Any:
    if value is None or value == "":
        return None
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    if model_field.is_relation:
        return names.get((cast(type, model_field.related_model), value), f"#{value}")
    return value


def _related_names(fields: list[models.Field], events: list[models.Model]) -> dict:
    """One query per related model for every id the events mention: a page of versions costs the
    same few queries whatever its length."""
    wanted: dict[type[models.Model], set[Any]] = {}
    for model_field in fields:
        if model_field.is_relation:
            ids = {getattr(event, model_field.attname) for event in events} - {None}
            wanted.setdefault(cast(type[models.Model], model_field.related_model), set()).update(
                ids
            )
    names: dict[tuple[type, Any], str] = {}
    for related, ids in wanted.items():
        if not ids:
            continue
        rows = related._default_manager.filter(pk__in=ids)
        if related._meta.model_name == "statement":
            rows = rows.select_related("party", "incident")
        for row in rows:
            names[(related, row.pk)] = str(row)
    return names


def _usernames(events: list[models.Model]) -> dict[Any, str]:
    user_ids = {_context_user(event) for event in events} - {None}
    users = get_user_model()._default_manager.filter(pk__in=user_ids)
    return {user.pk: user.get_username() for user in users}


def _context_user(event: models.Model) -> Any:
    context = getattr(event, "pgh_context", None)
    return context.metadata.get("user") if context is not None else None


def history_versions(*, model: type[models.Model], pk: int, page_number: Any) -> tuple[Page, list]:
    """The object's versions, newest first, each with what changed since the one before it."""
    events = (
        event_model(model)
        .objects.filter(pgh_obj_id=pk)
        .select_related("pgh_context")
        .order_by("-pgh_id")
    )
    page = Paginator(events, VERSIONS_PER_PAGE).get_page(page_number)
    shown = list(page.object_list)
    # The version just before the page's oldest, so that one gets a diff too.
    previous = events.filter(pgh_id__lt=shown[-1].pgh_id).first() if shown else None
    chain = [*shown, previous] if previous is not None else shown
    fields = _diffed_fields(model)
    names = _related_names(fields, chain)
    users = _usernames(chain)
    versions = []
    for index, event in enumerate(shown):
        before = chain[index + 1] if index + 1 < len(chain) else None
        versions.append(
            Version(
                event=event,
                label=event.pgh_label,
                at=event.pgh_created_at,
                user=users.get(_context_user(event)),
                changes=_changes(fields, before, event, names),
            )
        )
    return page, versions


def _changes(fields: list[models.Field], before: Any, after: Any, names: dict) -> list[FieldChange]:
    changes = []
    deleting = after.pgh_label == DELETE_LABEL
    for model_field in fields:
        new = getattr(after, model_field.attname)
        old = getattr(before, model_field.attname) if before is not None else None
        if before is not None and old == new:
            continue
        if before is None and (new is None or new == "") and not deleting:
            continue  # a new row's empty fields are not news
        if deleting and before is not None:
            continue  # a delete repeats the last version: nothing changed but existence
        change = FieldChange(
            name=model_field.name,
            label=str(model_field.verbose_name),
            old=_display(model_field, old, names),
            new=_display(model_field, new, names),
        )
        if isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > LONG_TEXT:
            change.pieces = _word_pieces(old, new)
        changes.append(change)
    return changes


def history_object_name(*, model: type[models.Model], pk: int) -> tuple[str, bool]:
    """What to call the object, and whether it still exists; a deleted one is named from its last
    recorded version."""
    obj = model._default_manager.filter(pk=pk).first()
    if obj is not None:
        return str(obj), True
    last = event_model(model).objects.filter(pgh_obj_id=pk).order_by("-pgh_id").first()
    if last is None:
        return f"{model._meta.verbose_name} {pk}", False
    return _event_name(model, last), False


def _event_name(model: type[models.Model], event: Any) -> str:
    values = (getattr(event, name) for name in NAME_FIELDS[str(model._meta.model_name)])
    name = " ".join(str(next((v for v in values if v), "")).split())
    return (name[:117] + "…" if len(name) > 120 else name) or f"#{event.pgh_obj_id}"


def _deleted_events(model: type[models.Model]) -> models.QuerySet:
    """Delete events that are still the object's last word: nothing written after them (a
    restore writes an insert) and no live row with that id."""
    events = event_model(model).objects
    later = events.filter(pgh_obj_id=OuterRef("pgh_obj_id"), pgh_id__gt=OuterRef("pgh_id"))
    live = model._default_manager.filter(pk=OuterRef("pgh_obj_id"))
    return (
        events.filter(pgh_label=DELETE_LABEL)
        .exclude(Exists(later))
        .exclude(Exists(live))
        .values(
            object_kind=Value(model._meta.model_name, output_field=models.CharField()),
            object_id=F("pgh_obj_id"),
            deleted_at=F("pgh_created_at"),
            event_pk=F("pgh_id"),
        )
    )


def history_deleted(*, page_number: Any) -> tuple[Page, list[DeletedRow]]:
    """Every deleted tracked object, newest deletion first, across all tracked models (one
    UNION ALL query, so paging is exact)."""
    first, *rest = [_deleted_events(model) for model in TRACKED_MODELS]
    union = first.union(*rest, all=True).order_by("-deleted_at", "object_kind", "-object_id")
    page = Paginator(union, DELETED_PER_PAGE).get_page(page_number)
    rows = list(page.object_list)
    events: dict[tuple[str, int], models.Model] = {}
    for kind in {row["object_kind"] for row in rows}:
        ids = [row["event_pk"] for row in rows if row["object_kind"] == kind]
        for event in (
            event_model(HISTORY_MODELS[kind])
            .objects.filter(pgh_id__in=ids)
            .select_related("pgh_context")
        ):
            events[(kind, event.pgh_id)] = event
    users = _usernames(list(events.values()))
    batch_sizes: dict[datetime, int] = {}
    for row in rows:
        batch_sizes[row["deleted_at"]] = batch_sizes.get(row["deleted_at"], 0) + 1
    deleted = []
    for row in rows:
        model = HISTORY_MODELS[row["object_kind"]]
        event = events[(row["object_kind"], row["event_pk"])]
        deleted.append(
            DeletedRow(
                kind=row["object_kind"],
                model=model,
                obj_id=row["object_id"],
                at=row["deleted_at"],
                name=_event_name(model, event),
                user=users.get(_context_user(event)),
                batch=batch_sizes[row["deleted_at"]] - 1,
            )
        )
    return page, deleted
