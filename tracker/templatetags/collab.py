"""The working-together parts other pages embed: the nav's "My work" link with its unread
count, and the incident page's assignee, comments and activity stream (rendered here so the
incident page's own view and template stay as they are)."""

from typing import Any

from django import template

from tracker.models import Claim, Incident
from tracker.selectors.collab import (
    incident_activity,
    incident_assignment,
    incident_comments,
    unread_count,
)
from tracker.services.collab import ASSIGN_ANYONE, CONTRIBUTE, colleagues

register = template.Library()


@register.inclusion_tag("tracker/partials/collab_nav.html", takes_context=True)
def my_work_link(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    return {"unread": unread_count(user) if user.is_authenticated else 0}


@register.inclusion_tag("tracker/partials/collab.html", takes_context=True)
def incident_collab(context: dict[str, Any], incident: Incident) -> dict[str, Any]:
    """Assignee, comments (with the form) and the activity stream of INCIDENT; the stream's page
    is the `activity` query parameter."""
    request = context["request"]
    user = request.user
    page, activity = incident_activity(incident, request.GET.get("activity"))
    contributor = user.has_perm(CONTRIBUTE)
    assignment = incident_assignment(incident)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "incident": incident,
        "assignment": assignment,
        "comments": incident_comments(incident),
        "activity": activity,
        "activity_page": page,
        "user": user,
        "can_comment": contributor,
        "can_assign_anyone": user.has_perm(ASSIGN_ANYONE),
        "can_take": contributor and assignment is None,
        "colleagues": list(colleagues().values_list("username", flat=True)),
        "claims": list(
            Claim.objects.filter(statement__incident=incident)
            .select_related("statement__party")
            .order_by("statement__party__name", "aspect", "id")
        ),
    }
