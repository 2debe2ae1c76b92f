"""The inbox: new sources with what enrichment proposed; editors accept, correct or dismiss."""

import json
from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tracker.enums import Channel, CounterclaimRelation, ProposalKind
from tracker.models import Party, Proposal
from tracker.selectors.building import sources_added_by_hand
from tracker.selectors.enrichment import inbox_card, inbox_sources, recent_empty_runs
from tracker.services.enrichment import proposal_accept, proposal_dismiss

PAGE_SIZE = 10


def _choices() -> dict:
    return {
        "parties": Party.objects.filter(alignments__isnull=False).distinct().order_by("name"),
        "channels": Channel.choices,
        "relations": CounterclaimRelation.choices,
    }


@login_required
@permission_required("tracker.add_statement", raise_exception=True)
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(inbox_sources(), PAGE_SIZE).get_page(request.GET.get("page"))
    cards = [inbox_card(source=source) for source in page.object_list]
    return render(
        request,
        "tracker/inbox.html",
        {
            "page": page,
            "cards": cards,
            "empty_runs": recent_empty_runs(),
            "added_by_hand": sources_added_by_hand(),
            **_choices(),
        },
    )


def _corrections(request: HttpRequest, proposal: Proposal) -> dict:
    """The correction form's fields that apply to this kind of proposal; blanks are ignored."""
    post = request.POST
    fields = {
        ProposalKind.INCIDENT: ("incident_id", "title"),
        ProposalKind.STATEMENT: ("party_id", "channel", "text"),
        ProposalKind.CLAIM: ("text",),
        ProposalKind.COUNTERCLAIM: ("relation",),
    }[ProposalKind(proposal.kind)]
    corrections: dict[str, Any] = {
        name: post[name].strip() for name in fields if post.get(name, "").strip()
    }
    if proposal.kind == ProposalKind.INCIDENT and corrections.get("incident_id") == "new":
        corrections = {
            "new": True,
            **({"title": corrections["title"]} if "title" in corrections else {}),
        }
    if proposal.kind == ProposalKind.CLAIM and post.get("values", "").strip():
        try:
            corrections["values"] = json.loads(post["values"])
        except json.JSONDecodeError as exc:
            raise ValidationError(f"Values are not valid JSON: {exc}") from exc
    return corrections


@require_POST
@login_required
@permission_required("tracker.add_statement", raise_exception=True)
def proposal_decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    proposal = get_object_or_404(Proposal.objects.select_related("source"), pk=pk)
    error = ""
    try:
        if action == "dismiss":
            proposal_dismiss(proposal=proposal, user=request.user)
        else:
            corrections = _corrections(request, proposal) if action == "correct" else {}
            proposal_accept(proposal=proposal, user=request.user, corrections=corrections)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if not getattr(request, "htmx", False):
        return redirect(reverse("tracker:inbox") + f"#source-{proposal.source_id}")
    source = inbox_sources(include_decided=True).get(pk=proposal.source_id)
    return render(
        request,
        "tracker/inbox/source.html",
        {"card": inbox_card(source=source), "error": error, "error_for": proposal.pk, **_choices()},
        status=422 if error else 200,
    )
