"""Reads for working together: an incident's comments and activity stream, a person's
notifications and "my work" page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import F, Value

from tracker.enums import EditorialState, NotificationKind, RevisionState
from tracker.models import (
    Assignment,
    Claim,
    Comment,
    EditorialLogEntry,
    Incident,
    Notification,
    PendingRevision,
    Statement,
)
from tracker.models.history import event_model
from tracker.selectors.history import _context_user, _event_name, _usernames

ACTIVITY_PER_PAGE = 25
MY_WORK_LIMIT = 50


def incident_comments(incident: Incident) -> list[Comment]:
    """The incident's comments, oldest first (a conversation reads top to bottom), with the
    claim each one is about."""
    return list(
        Comment.objects.filter(incident=incident)
        .select_related("author", "claim")
        .order_by("created_at", "id")
    )


def incident_assignment(incident: Incident) -> Assignment | None:
    """Who works on INCIDENT: read with it when it was loaded with its assignee (the incident
    page's incidents_for_page), else queried."""
    if Incident.assignment.is_cached(incident):
        try:
            return incident.assignment
        except Assignment.DoesNotExist:  # read with it: nobody
            return None
    return Assignment.objects.filter(incident=incident).select_related("assignee").first()


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_of(user: User) -> list[Notification]:
    """USER's notifications, unread first, newest first within each."""
    return list(
        Notification.objects.filter(recipient=user)
        .select_related("actor", "incident", "comment", "revision")
        .order_by(F("read_at").desc(nulls_first=True), "-created_at", "-id")[:MY_WORK_LIMIT]
    )


@dataclass
class MyWork:
    assigned: list[Incident]
    mentions: list[Notification]
    notifications: list[Notification]
    my_revisions: list[PendingRevision]
    # Editors only: how many revisions wait for any editor's decision.
    queue: int | None
    # Editors only: the incidents submitted for review, the longest waiting first.
    in_review: list[Incident] | None = None


def my_work(user: User) -> MyWork:
    """What waits for USER: incidents assigned to them, comments that mention them (unread
    first), their other notifications, their changes awaiting approval and, for editors, the
    whole approval queue and the incidents submitted for review."""
    everything = notifications_of(user)
    pending = PendingRevision.objects.filter(state=RevisionState.PENDING)
    editor = user.has_perm("tracker.publish_incident")
    return MyWork(
        assigned=list(
            Incident.objects.live()
            .filter(assignment__assignee=user)
            .select_related("conflict")
            .order_by("-assignment__assigned_at")[:MY_WORK_LIMIT]
        ),
        mentions=[n for n in everything if n.kind == NotificationKind.MENTION],
        notifications=[n for n in everything if n.kind != NotificationKind.MENTION],
        my_revisions=list(
            pending.filter(author=user)
            .select_related("incident")
            .order_by("-created_at")[:MY_WORK_LIMIT]
        ),
        queue=pending.count() if editor else None,
        in_review=list(
            Incident.objects.live()
            .filter(state=EditorialState.IN_REVIEW)
            .select_related("conflict")
            .order_by("updated_at", "id")[:MY_WORK_LIMIT]
        )
        if editor
        else None,
    )


class ActivityKind(models.TextChoices):
    EDIT = "edit", "Edit"
    COMMENT = "comment", "Comment"
    REVISION_SUBMITTED = "revision", "Revision submitted"
    REVISION_DECIDED = "decision", "Revision decided"
    WORKFLOW = "workflow", "Workflow"


@dataclass
class ActivityItem:
    kind: str
    at: datetime
    user: str | None
    # The row shown: a history event, a Comment, a PendingRevision or an EditorialLogEntry.
    row: Any
    # For edits: which model ("incident", "statement", "claim") and its name.
    model: str = ""
    name: str = ""


# The history event tables an incident's edits are read from, and how each finds the incident.
def _edit_events(incident: Incident) -> list[models.QuerySet]:
    statements = event_model(Statement).objects.filter(incident_id=incident.pk)
    statement_ids = statements.values("pgh_obj_id")
    sources = {
        "incident": event_model(Incident).objects.filter(pgh_obj_id=incident.pk),
        "statement": statements,
        "claim": event_model(Claim).objects.filter(statement_id__in=statement_ids),
    }
    return [
        events.values(
            kind=Value(f"{ActivityKind.EDIT}:{name}", output_field=models.CharField()),
            at=F("pgh_created_at"),
            ref=F("pgh_id"),
        )
        for name, events in sources.items()
    ]


def _rows(queryset: models.QuerySet, kind: str, at: str) -> models.QuerySet:
    return queryset.values(kind=Value(kind, output_field=models.CharField()), at=F(at), ref=F("pk"))


def incident_activity(incident: Incident, page_number: Any) -> tuple[Page, list[ActivityItem]]:
    """Everything that happened to INCIDENT, newest first: edits (history events of the
    incident, its statements and their claims), comments, revisions submitted and decided,
    workflow steps. One UNION ALL query is paged, so paging is exact; then one query per kind
    of row on the page."""
    revisions = PendingRevision.objects.filter(incident=incident)
    queries: list[models.QuerySet] = [
        *_edit_events(incident),
        _rows(Comment.objects.filter(incident=incident), ActivityKind.COMMENT, "created_at"),
        _rows(revisions, ActivityKind.REVISION_SUBMITTED, "created_at"),
        _rows(
            revisions.filter(state__in=[RevisionState.APPROVED, RevisionState.REJECTED]),
            ActivityKind.REVISION_DECIDED,
            "decided_at",
        ),
        _rows(
            EditorialLogEntry.objects.filter(incident_id=incident.pk),
            ActivityKind.WORKFLOW,
            "created_at",
        ),
    ]
    union = queries[0].union(*queries[1:], all=True).order_by("-at", "-kind", "-ref")
    page = Paginator(union, ACTIVITY_PER_PAGE).get_page(page_number)
    shown = list(page.object_list)
    wanted: dict[str, list[int]] = {}
    for row in shown:
        wanted.setdefault(row["kind"], []).append(row["ref"])
    rows: dict[tuple[str, int], Any] = {}
    models_of: dict[str, type[models.Model]] = {
        "incident": Incident,
        "statement": Statement,
        "claim": Claim,
    }
    events: list[Any] = []
    for kind, ids in wanted.items():
        if kind.startswith(ActivityKind.EDIT):
            name = kind.split(":", 1)[1]
            found = list(
                event_model(models_of[name])
                .objects.filter(pgh_id__in=ids)
                .select_related("pgh_context")
            )
            events += found
            rows.update({(kind, event.pgh_id): event for event in found})
        elif kind == ActivityKind.COMMENT:
            for comment in Comment.objects.filter(pk__in=ids).select_related("author", "claim"):
                rows[(kind, comment.pk)] = comment
        elif kind in (ActivityKind.REVISION_SUBMITTED, ActivityKind.REVISION_DECIDED):
            for revision in PendingRevision.objects.filter(pk__in=ids).select_related(
                "author", "decided_by"
            ):
                rows[(kind, revision.pk)] = revision
        else:
            for entry in EditorialLogEntry.objects.filter(pk__in=ids).select_related("user"):
                rows[(kind, entry.pk)] = entry
    users = _usernames(events)
    items = []
    for row in shown:
        kind, obj = row["kind"], rows[(row["kind"], row["ref"])]
        if kind.startswith(ActivityKind.EDIT):
            name = kind.split(":", 1)[1]
            items.append(
                ActivityItem(
                    kind=ActivityKind.EDIT,
                    at=row["at"],
                    user=users.get(_context_user(obj)),
                    row=obj,
                    model=name,
                    name=_event_name(models_of[name], obj),
                )
            )
            continue
        who = {
            ActivityKind.COMMENT: lambda o: o.author,
            ActivityKind.REVISION_SUBMITTED: lambda o: o.author,
            ActivityKind.REVISION_DECIDED: lambda o: o.decided_by,
            ActivityKind.WORKFLOW: lambda o: o.user,
        }[ActivityKind(kind)](obj)
        items.append(
            ActivityItem(kind=kind, at=row["at"], user=who.get_username() if who else None, row=obj)
        )
    return page, items
