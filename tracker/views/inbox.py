"""The inbox: new sources with what enrichment proposed; editors accept, correct or dismiss."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tracker.enums import Aspect, Channel, CounterclaimRelation, TimePrecision
from tracker.forms.inbox import BulkDismissForm, ProposalCorrectionForm, side_names
from tracker.models import Party, Proposal
from tracker.selectors.building import sources_added_by_hand
from tracker.selectors.enrichment import inbox_card, inbox_sources, recent_empty_runs
from tracker.services.enrichment import proposal_accept, proposal_dismiss, proposals_dismiss

PAGE_SIZE = 10


def _choices() -> dict:
    return {
        "parties": Party.objects.filter(alignments__isnull=False).distinct().order_by("name"),
        "channels": Channel.choices,
        "relations": CounterclaimRelation.choices,
        "aspects": Aspect.choices,
        "precisions": TimePrecision.choices,
        "sides": side_names(),
    }


@login_required
@permission_required("tracker.add_statement", raise_exception=True)
def inbox(request: HttpRequest) -> HttpResponse:
    return _inbox_page(request)


def _inbox_page(request: HttpRequest, *, bulk_error: str = "", status: int = 200) -> HttpResponse:
    page = Paginator(inbox_sources(), PAGE_SIZE).get_page(request.GET.get("page"))
    cards = [inbox_card(source=source) for source in page.object_list]
    context = {
        "page": page,
        "cards": cards,
        "empty_runs": recent_empty_runs(),
        "added_by_hand": sources_added_by_hand(),
        "bulk_error": bulk_error,
        "bulk_reason": request.POST.get("reason", ""),
        "ticked": request.POST.getlist("proposal"),
        **_choices(),
    }
    return render(request, "tracker/inbox.html", context, status=status)


@require_POST
@login_required
@permission_required("tracker.add_statement", raise_exception=True)
def proposal_decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    proposal = get_object_or_404(Proposal.objects.select_related("source"), pk=pk)
    error = ""
    try:
        if action == "dismiss":
            proposal_dismiss(
                proposal=proposal, user=request.user, reason=request.POST.get("reason", "")
            )
        elif action == "correct":
            form = ProposalCorrectionForm(request.POST, proposal=proposal)
            if form.is_valid():
                proposal_accept(
                    proposal=proposal, user=request.user, corrections=form.corrections()
                )
            else:
                error = form.error_text()
        else:
            proposal_accept(proposal=proposal, user=request.user)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if not getattr(request, "htmx", False):
        if error:
            messages.error(request, error)
        return redirect(reverse("tracker:inbox") + f"#source-{proposal.source_id}")
    source = inbox_sources(include_decided=True).get(pk=proposal.source_id)
    return render(
        request,
        "tracker/inbox/source.html",
        {"card": inbox_card(source=source), "error": error, "error_for": proposal.pk, **_choices()},
        status=422 if error else 200,
    )


@require_POST
@login_required
@permission_required("tracker.add_statement", raise_exception=True)
def proposals_dismiss_view(request: HttpRequest) -> HttpResponse:
    """Bulk dismiss: the proposals ticked on the inbox page, for one reason, all or none."""
    form = BulkDismissForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([str(e) for errors in form.errors.values() for e in errors])
        count = proposals_dismiss(
            proposal_ids=form.cleaned_data["proposal"],
            user=request.user,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        # Nothing was dismissed: the page again, the ticks kept, the reason in words.
        return _inbox_page(request, bulk_error=" ".join(exc.messages), status=422)
    messages.success(
        request,
        ngettext("Dismissed %(n)d proposal.", "Dismissed %(n)d proposals.", count) % {"n": count},
    )
    return redirect("tracker:inbox")
