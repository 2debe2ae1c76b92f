"""Comments, assignment, notifications and the "my work" page. Thin: the rules (who may do
what, what a mention is) are in tracker.services.collab; this reads the request and answers."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tracker.models import Claim, Comment, Incident, Notification
from tracker.selectors.collab import incident_activity, my_work, unread_count
from tracker.selectors.incident_list import hidden_from
from tracker.services.collab import (
    comment_create,
    comment_delete,
    comment_edit,
    incident_assign,
    notifications_mark_read,
)
from tracker.text.bidi import isolate


def _back(incident_id: int, anchor: str = "comments") -> HttpResponseRedirect:
    return redirect(reverse("tracker:incident-detail", args=[incident_id]) + f"#{anchor}")


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
@require_POST
def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    incident = get_object_or_404(Incident, pk=pk)
    claim = None
    claim_id = request.POST.get("claim", "")
    if claim_id:
        if not claim_id.isdigit():
            messages.error(request, "Choose the claim from the list.")
            return _back(pk)
        claim = Claim.objects.filter(pk=int(claim_id)).select_related("statement").first()
        if claim is None:
            messages.error(request, "That claim no longer exists.")
            return _back(pk)
    try:
        comment = comment_create(
            incident=incident, claim=claim, text=request.POST.get("text", ""), user=request.user
        )
    except ValidationError as error:
        _refused(request, error)
        return _back(pk)
    messages.success(request, "Comment added.")
    return _back(pk, f"comment-{comment.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def comment_change(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the edit form (its own page; the incident page links here). POST: save or delete."""
    comment = get_object_or_404(Comment.objects.select_related("incident"), pk=pk)
    if comment.author_id != request.user.pk:
        raise PermissionDenied("Only its author may change or delete a comment.")
    if request.method == "POST":
        try:
            if request.POST.get("delete"):
                comment_delete(comment=comment, user=request.user)
                messages.success(request, "Comment deleted.")
                return _back(comment.incident_id)
            comment_edit(comment=comment, text=request.POST.get("text", ""), user=request.user)
        except ValidationError as error:
            return render(
                request,
                "tracker/comment_edit.html",
                {
                    "comment": comment,
                    "text": request.POST.get("text", ""),
                    "errors": error.messages,
                },
                status=422,
            )
        messages.success(request, "Comment saved.")
        return _back(comment.incident_id, f"comment-{comment.pk}")
    return render(request, "tracker/comment_edit.html", {"comment": comment, "text": comment.text})


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    """POST assignee=<username>, or assignee="" to unassign."""
    incident = get_object_or_404(Incident, pk=pk)
    username = request.POST.get("assignee", "").strip().removeprefix("@")
    assignee = None
    if username:
        assignee = User.objects.filter(username=username, is_active=True).first()
        if assignee is None:
            messages.error(request, f"Nobody is called “{isolate(username)}”.")
            return _back(pk, "assignee")
    try:
        incident_assign(incident=incident, assignee=assignee, user=request.user)
    except ValidationError as error:
        _refused(request, error)
        return _back(pk, "assignee")
    if assignee is None:
        messages.success(request, "Nobody is assigned now.")
    else:
        messages.success(request, f"Assigned to {assignee.get_username()}.")
    return _back(pk, "assignee")


@login_required
def my_work_page(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # signed in (login_required)
    return render(
        request,
        "tracker/my_work.html",
        {"work": my_work(user), "unread": unread_count(user)},
    )


@login_required
def activity(request: HttpRequest, pk: int) -> HttpResponse:
    """The incident's activity stream, its own tab: one page of 25 events, newest first."""
    incident = get_object_or_404(Incident.objects.select_related("conflict"), pk=pk)
    if hidden_from(request.user, incident.state):
        raise Http404(_("No published incident here."))
    page, items = incident_activity(incident, request.GET.get("page"))
    return render(
        request,
        "tracker/incident_activity.html",
        {"incident": incident, "activity": items, "activity_page": page},
    )


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification: it is read now, and leads to what it is about."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notifications_mark_read(user=request.user, ids=[notification.pk])
    if notification.comment_id:
        return _back(notification.incident_id, f"comment-{notification.comment_id}")
    if notification.revision_id:
        return redirect("tracker:incident-activity", pk=notification.incident_id)
    return _back(notification.incident_id, "assignee")


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    count = notifications_mark_read(user=request.user)
    messages.success(request, f"{count} notification(s) marked read.")
    return redirect("tracker:my-work")
