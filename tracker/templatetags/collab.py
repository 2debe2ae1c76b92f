"""The working-together parts other pages embed: the nav's "My work" link with its unread
count, and the incident page's assignee, comments and activity stream (rendered here so the
incident page's own view and template stay as they are)."""

from html import escape as e
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from tracker.enums import Aspect
from tracker.models import Claim, Comment, Incident
from tracker.selectors.collab import (
    incident_assignment,
    incident_comments,
    unread_count,
)
from tracker.services.collab import ASSIGN_ANYONE, CONTRIBUTE, colleagues
from tracker.templatetags.text import truncated
from tracker.text.bidi import isolate

register = template.Library()


@register.inclusion_tag("tracker/partials/collab_nav.html", takes_context=True)
def my_work_link(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    return {"unread": unread_count(user) if user.is_authenticated else 0}


@register.inclusion_tag("tracker/partials/collab_tabs.html", takes_context=True)
def incident_tabs(
    context: dict[str, Any], incident: Incident, current: str = "overview"
) -> dict[str, Any]:
    """The incident's tabs (overview, activity) with its comment count and assignee."""
    assignment = incident_assignment(incident)
    comments = context.get("comments")  # the incident page's thread, read already
    return {
        "incident": incident,
        "current": current,
        "comments": Comment.objects.filter(incident=incident).count()
        if comments is None
        else len(comments),
        "assignee": assignment.assignee.get_username() if assignment else "",
    }


@register.inclusion_tag("tracker/partials/collab.html", takes_context=True)
def incident_collab(context: dict[str, Any], incident: Incident) -> dict[str, Any]:
    """Assignee and comments (with the form) of INCIDENT, and the tab to its activity stream."""
    request = context["request"]
    user = request.user
    contributor = user.has_perm(CONTRIBUTE)
    assign_anyone = user.has_perm(ASSIGN_ANYONE)
    assignment = incident_assignment(incident)
    comments = context.get("comments")  # the incident page's thread, read already
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "incident": incident,
        "assignment": assignment,
        "comments": incident_comments(incident) if comments is None else comments,
        "user": user,
        "can_comment": contributor,
        "can_assign_anyone": assign_anyone,
        "can_take": contributor and assignment is None,
        # Whom to assign or mention: asked only of those who may do either.
        "colleagues": list(colleagues().values_list("username", flat=True))
        if contributor or assign_anyone
        else [],
        "claim_options": _claim_options(_claims(context, incident)),
    }


def _claims(context: dict[str, Any], incident: Incident) -> list[Claim]:
    """The claims a comment may be about: those of the page's grid when it has one (read
    already), else queried."""
    grid = context.get("grid")
    if grid is not None:
        return [view.claim for row in grid.rows for _, cell in row.cells for view in cell]
    return list(
        Claim.objects.filter(statement__incident=incident).select_related("statement__party")
    )


def _claim_options(claims: list[Claim]) -> SafeString:
    """The <option>s of the claims a comment may be about, "party · aspect: text", built here
    rather than as template nodes: an incident holds hundreds of claims, and an aspect's label
    is translated once, not once per claim. Every value passes through `e` (html.escape, as
    the template's autoescaping does)."""
    aspects = {value: str(label) for value, label in Aspect.choices}
    return mark_safe(  # every value from outside went through e()
        "".join(
            f'<option value="{claim.pk}">'
            + e(
                f"{isolate(claim.statement.party.name)} · "
                f"{aspects.get(claim.aspect, claim.aspect)}: {isolate(truncated(claim.text, 70))}"
            )
            + "</option>"
            for claim in claims
        )
    )
