"""Editorial actions on the incident page: inline edits (htmx), verdicts, the publishing
workflow, merges and pending revisions. Permissions are checked here, on the server, for every
action; the rules themselves live in the services."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh, reswap, retarget

from tracker.enums import CounterclaimRelation, ProposalState
from tracker.forms.editorial import (
    ClaimEditForm,
    CounterclaimDecideForm,
    CounterclaimProposeForm,
    IncidentEditForm,
    MergeForm,
    RetractForm,
    StatementEditForm,
    VerdictForm,
)
from tracker.forms.errors import add_service_errors
from tracker.models import Claim, Counterclaim, Incident, PendingRevision, Statement
from tracker.selectors.counterclaims import counterclaim_candidates
from tracker.selectors.grid import incident_grid
from tracker.selectors.incident_page import (
    merge_preview,
    merge_target_search,
    unresolved_before_publishing,
)
from tracker.services.claims import (
    claim_delete,
    claim_set_verdict,
    counterclaim_decide,
    counterclaim_may_decide,
    counterclaim_propose,
)
from tracker.services.errors import StaleEditError
from tracker.services.publishing import (
    incident_merge,
    incident_publish,
    incident_retract,
    incident_submit_for_review,
    incident_unmerge,
)
from tracker.services.revisions import (
    edit_submit,
    revision_approve,
    revision_reject,
    revisions_approve_all,
)
from tracker.services.statements import statement_delete
from tracker.templatetags.tracker_tags import claim_block
from tracker.text.bidi import isolate

PUBLISH = "tracker.publish_incident"
MERGE = "tracker.merge_incident"
# Whoever builds incidents hands them to an editor (the API's submit asks the same).
SUBMIT = "tracker.add_incident"


def _require(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied(_("Your role does not allow this."))


def _done(request: HttpRequest, incident: Incident, message: str) -> HttpResponse:
    """After a successful action: a full refresh for htmx, a redirect otherwise."""
    messages.success(request, message)
    if getattr(request, "htmx", False):
        return HttpResponseClientRefresh()
    return redirect(incident)


def _form(
    request: HttpRequest,
    form: Any,
    *,
    label: str,
    incident: Incident,
    danger: bool = False,
    **extra: Any,
) -> HttpResponse:
    """The form alone for htmx (swapped in place, errors beside the fields), or inside a page
    for a browser without JavaScript. A rejected POST is 422, except for htmx, which swaps only
    successful responses."""
    htmx = bool(getattr(request, "htmx", False))
    template = "tracker/partials/edit_form.html" if htmx else "tracker/edit_page.html"
    status = 422 if request.method == "POST" and not htmx and form.errors else 200
    context = {
        "form": form,
        "action": request.path,
        "label": label,
        "incident": incident,
        "danger": danger,
        **extra,
    }
    return render(request, template, context, status=status)


def _edit(
    request: HttpRequest,
    obj: models.Model,
    incident: Incident,
    *,
    form_class: type,
    perm: str,
    label: str | Promise,
    inline: Callable[[HttpRequest, Incident, list[int]], HttpResponse] | None = None,
) -> HttpResponse:
    """INLINE, given: an htmx save applied at once answers with just the part of the page that
    changed (the claim's block), not a reload."""
    label = str(label)
    _require(request, perm)
    form = form_class(request.POST or None, instance=type(obj)._default_manager.get(pk=obj.pk))
    if request.method == "POST" and form.is_valid():
        try:
            revision = edit_submit(
                obj=obj,
                user=request.user,
                expected_version=form.cleaned_data["version"],
                fields=form.changes(),
            )
        except (ValidationError, StaleEditError) as error:
            add_service_errors(form, error)
        else:
            if inline is not None and revision is None and getattr(request, "htmx", False):
                return inline(request, incident, [obj.pk])
            held = _(
                "%(what)s edit held for an editor's approval: the published version stays "
                "as it is until then."
            ) % {"what": label}
            return _done(
                request, incident, held if revision else _("%(what)s saved.") % {"what": label}
            )
    return _form(request, form, label=label, incident=incident)


def _delete(
    request: HttpRequest,
    obj: models.Model,
    incident: Incident,
    *,
    perm: str,
    label: str | Promise,
    service: Callable[[Any, Any], PendingRevision | None],
) -> HttpResponse:
    """Ask first (GET), then delete, or hold the deletion on a published incident (POST)."""
    label = str(label)
    _require(request, perm)
    form = forms.Form(request.POST or None)
    if request.method == "POST":
        try:
            held = service(obj, request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            message = (
                _("%(what)s deletion held for an editor's approval: readers see it until then.")
                if held
                else _("%(what)s deleted.")
            )
            return _done(request, incident, message % {"what": label})
    return _form(
        request,
        form,
        label=_("Delete this %(what)s?") % {"what": label.lower()},
        incident=incident,
        danger=True,
        submit_label=_("Delete"),
    )


def incident_permissions(user: Any) -> dict[str, bool]:
    """What the incident page offers USER (the server checks again on every action)."""
    return {
        "edit_incident": user.has_perm("tracker.change_incident"),
        "edit_statement": user.has_perm("tracker.change_statement"),
        "add_statement": user.has_perm("tracker.add_statement"),
        "add_source": user.has_perm("tracker.add_source"),
        "add_claim": user.has_perm("tracker.add_claim"),
        "submit": user.has_perm(SUBMIT),
        "edit_claim": user.has_perm("tracker.change_claim"),
        "delete_claim": user.has_perm("tracker.delete_claim"),
        "delete_statement": user.has_perm("tracker.delete_statement"),
        "publish": user.has_perm("tracker.publish_incident"),
        "merge": user.has_perm("tracker.merge_incident"),
        "propose_counterclaim": user.has_perm("tracker.add_counterclaim"),
        "decide_counterclaim": counterclaim_may_decide(user),
    }


def _claim_blocks(request: HttpRequest, incident: Incident, claim_ids: list[int]) -> HttpResponse:
    """The re-rendered blocks of CLAIM_IDS: the first replaces the block the form was in
    (retargeted), the others swap out of band. The rest of the page stays as it is."""
    grid = incident_grid(incident=incident)
    views = {view.claim.pk: view for row in grid.rows for _side, cell in row.cells for view in cell}
    can = incident_permissions(request.user)
    shown = [pk for pk in claim_ids if pk in views]
    html = "".join(
        claim_block(views[pk], True, can, oob=index > 0) for index, pk in enumerate(shown)
    )
    response = HttpResponse(html)
    if shown:
        retarget(response, f"#claim-{shown[0]}")
        reswap(response, "outerHTML")
    return response


def _row_view(
    *,
    rows: QuerySet[Any],
    incident_of: Callable[[Any], Incident],
    page: Callable[[HttpRequest, Any, Incident], HttpResponse],
) -> Callable[[HttpRequest, int], HttpResponse]:
    """The edit or delete page of one kind of row: the row by id and its incident, then PAGE."""

    @login_required
    @require_http_methods(["GET", "POST"])
    def row_view(request: HttpRequest, pk: int) -> HttpResponse:
        obj = get_object_or_404(rows.all(), pk=pk)
        return page(request, obj, incident_of(obj))

    return row_view


def _incident_itself(incident: Incident) -> Incident:
    return incident


def _statement_incident(statement: Statement) -> Incident:
    return statement.incident


def _claim_incident(claim: Claim) -> Incident:
    return claim.statement.incident


incident_edit = _row_view(
    rows=Incident.objects.live(),
    incident_of=_incident_itself,
    page=partial(
        _edit,
        form_class=IncidentEditForm,
        perm="tracker.change_incident",
        label=gettext_lazy("Incident"),
    ),
)
statement_edit = _row_view(
    rows=Statement.objects.select_related("incident"),
    incident_of=_statement_incident,
    page=partial(
        _edit,
        form_class=StatementEditForm,
        perm="tracker.change_statement",
        label=gettext_lazy("Statement"),
    ),
)
claim_edit = _row_view(
    rows=Claim.objects.select_related("statement__incident__conflict"),
    incident_of=_claim_incident,
    page=partial(
        _edit,
        form_class=ClaimEditForm,
        perm="tracker.change_claim",
        label=gettext_lazy("Claim"),
        inline=_claim_blocks,
    ),
)
statement_delete_view = _row_view(
    rows=Statement.objects.select_related("incident"),
    incident_of=_statement_incident,
    page=partial(
        _delete,
        perm="tracker.delete_statement",
        label=gettext_lazy("Statement"),
        service=lambda obj, user: statement_delete(statement=obj, user=user),
    ),
)
claim_delete_view = _row_view(
    rows=Claim.objects.select_related("statement__incident"),
    incident_of=_claim_incident,
    page=partial(
        _delete,
        perm="tracker.delete_claim",
        label=gettext_lazy("Claim"),
        service=lambda obj, user: claim_delete(claim=obj, user=user),
    ),
)


@login_required
@require_http_methods(["GET", "POST"])
def claim_verdict(request: HttpRequest, pk: int) -> HttpResponse:
    """Verdicts are an editor's call (the publish permission), applied at once."""
    _require(request, PUBLISH)
    claim = get_object_or_404(Claim.objects.select_related("statement__incident"), pk=pk)
    incident = claim.statement.incident
    initial = {"verdict": claim.verdict, "note": claim.verdict_note, "version": claim.version}
    form = VerdictForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            claim_set_verdict(
                claim=claim,
                verdict=form.cleaned_data["verdict"],
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
            )
        except (ValidationError, StaleEditError) as error:
            add_service_errors(form, error)
        else:
            return _done(request, incident, _("Verdict saved."))
    return _form(request, form, label=_("Verdict"), incident=incident)


def _workflow_action(
    request: HttpRequest, pk: int, perm: str, action: Callable[[Incident], Any], done: str
) -> HttpResponse:
    _require(request, perm)
    incident = get_object_or_404(Incident, pk=pk)
    try:
        action(incident)
    except (ValidationError, StaleEditError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect(incident.merged_into or incident)
    return _done(request, incident, done)


@login_required
@require_POST
def incident_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow_action(
        request,
        pk,
        SUBMIT,
        lambda incident: incident_submit_for_review(
            incident=incident, user=request.user, expected_version=_version(request)
        ),
        _("Submitted for review."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def incident_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Publishing asks first, listing what is unresolved; only a POST with `confirm` publishes."""
    _require(request, PUBLISH)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        return _workflow_action(
            request,
            pk,
            PUBLISH,
            lambda incident: incident_publish(
                incident=incident, user=request.user, expected_version=_version(request)
            ),
            _("Published: readers can see it now."),
        )
    incident = get_object_or_404(Incident.objects.live().select_related("conflict"), pk=pk)
    context = {
        "incident": incident,
        "unresolved": unresolved_before_publishing(incident_grid(incident=incident)),
    }
    htmx = bool(getattr(request, "htmx", False))
    template = "tracker/partials/publish_confirm.html" if htmx else "tracker/publish_confirm.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def incident_retract_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, PUBLISH)
    incident = get_object_or_404(Incident.objects.live(), pk=pk)
    form = RetractForm(request.POST or None, initial={"version": incident.version})
    if request.method == "POST" and form.is_valid():
        try:
            incident_retract(
                incident=incident,
                user=request.user,
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
            )
        except (ValidationError, StaleEditError) as error:
            add_service_errors(form, error)
        else:
            return _done(request, incident, _("Retracted. The note is shown to readers."))
    return _form(request, form, label=_("Retraction"), incident=incident, danger=True)


@login_required
@require_http_methods(["GET", "POST"])
def incident_merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The merge page: search the target (results as you type, or on submit without
    JavaScript), see both incidents side by side, then confirm."""
    _require(request, MERGE)
    incident = get_object_or_404(Incident.objects.live().select_related("conflict"), pk=pk)
    form = MergeForm(request.POST or None, incident=incident)
    query = request.GET.get("q", "")[:200]
    context: dict[str, Any] = {"incident": incident, "form": form, "query": query}
    if request.method == "GET":
        context["results"] = merge_target_search(incident=incident, query=query)
        if getattr(request, "htmx", False):
            return render(request, "tracker/partials/merge_results.html", context)
        return render(request, "tracker/merge.html", context)
    if form.is_valid():
        target = form.cleaned_data["target"]
        if request.POST.get("confirm") != "yes":
            # First the preview: both incidents side by side, and what would move.
            context.update(target=target, preview=merge_preview(incident=incident, target=target))
            return render(request, "tracker/merge.html", context)
        try:
            held = incident_merge(
                incident=incident, target=target, user=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if held is not None:
                return _done(
                    request,
                    incident,
                    _("Merge into a published incident held for an editor's approval."),
                )
            messages.success(
                request,
                _("Merged #%(old)s into this incident. Undo below if it was a mistake.")
                % {"old": incident.pk},
            )
            return redirect(target)
    context["results"] = merge_target_search(incident=incident, query=query)
    return render(request, "tracker/merge.html", context, status=422)


@login_required
@require_POST
def incident_unmerge_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, MERGE)
    merged = get_object_or_404(Incident, pk=pk)
    target = merged.merged_into
    try:
        incident_unmerge(incident=merged, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(target or merged)
    messages.success(request, _("Merge undone: #%(pk)s is its own incident again.") % {"pk": pk})
    return redirect(merged)


@login_required
@require_POST
def revision_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, PUBLISH)
    revision = get_object_or_404(PendingRevision.objects.select_related("incident"), pk=pk)
    try:
        if request.POST.get("decision") == "approve":
            revision_approve(revision=revision, user=request.user)
            message = _("Revision approved and published.")
        else:
            revision_reject(revision=revision, user=request.user)
            message = _("Revision rejected.")
    except (ValidationError, StaleEditError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect(revision.incident)
    return _done(request, revision.incident, message)


@login_required
@require_POST
def revisions_approve_all_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, PUBLISH)
    incident = get_object_or_404(Incident, pk=pk)
    try:
        count = revisions_approve_all(incident=incident, user=request.user)
    except (ValidationError, StaleEditError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect(incident)
    return _done(request, incident, _("%(n)d changes approved and published.") % {"n": count})


def _refused_in_words(error: IntegrityError) -> ValidationError:
    """The database trigger's refusal of a pair ("counterclaim: the two claims are …"), as the
    form's message: a race the form's choices could not see still ends in words, not a 500."""
    reason = str(error).splitlines()[0].removeprefix("counterclaim:").strip()
    return ValidationError(_("The pair was refused: %(reason)s.") % {"reason": reason})


def _counterclaim_done(
    request: HttpRequest, incident: Incident, claim_ids: list[int], held: bool, message: str
) -> HttpResponse:
    """The two claim blocks in place, or (held for approval) the page, whose list of changes
    waiting for approval grew."""
    if held or not getattr(request, "htmx", False):
        return _done(request, incident, message)
    return _claim_blocks(request, incident, claim_ids)


@login_required
@require_http_methods(["GET", "POST"])
def claim_counterclaim(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose a relation between this claim and another side's claim on the same aspect."""
    _require(request, "tracker.add_counterclaim")
    claim = get_object_or_404(
        Claim.objects.select_related("statement__incident__conflict", "statement__party"), pk=pk
    )
    incident = claim.statement.incident
    form = CounterclaimProposeForm(
        request.POST or None, others=counterclaim_candidates(claim=claim)
    )
    if request.method == "POST" and form.is_valid():
        other = form.cleaned_data["other"]
        try:
            pair = counterclaim_propose(
                first=claim,
                second=other,
                relation=form.cleaned_data["relation"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except IntegrityError as error:
            add_service_errors(form, _refused_in_words(error))
        else:
            message = (
                _("Counterclaim proposed; held for an editor's approval of the published incident.")
                if pair.held
                else _("Counterclaim proposed: an editor confirms or dismisses it.")
            )
            return _counterclaim_done(request, incident, [claim.pk, other.pk], pair.held, message)
    return _form(
        request,
        form,
        label=_("Counterclaim to: %(claim)s") % {"claim": isolate(claim.text[:80])},
        incident=incident,
        submit_label=_("Propose"),
        no_options=not form.fields["other"].queryset.exists(),  # type: ignore[attr-defined]
    )


@login_required
@require_http_methods(["GET", "POST"])
def counterclaim_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    """An editor confirms or dismisses a proposed pair (held for approval when published)."""
    if not counterclaim_may_decide(request.user):
        raise PermissionDenied(_("Your role does not allow this."))
    counterclaim = get_object_or_404(
        Counterclaim.objects.select_related(
            "claim_a__statement__incident", "claim_b__statement__party", "claim_a__statement__party"
        ),
        pk=pk,
    )
    incident = counterclaim.claim_a.statement.incident
    form = CounterclaimDecideForm(request.POST or None, initial={"relation": counterclaim.relation})
    if request.method == "POST" and form.is_valid():
        state = ProposalState(form.cleaned_data["decision"])
        try:
            revision = counterclaim_decide(
                counterclaim=counterclaim,
                state=state,
                user=request.user,
                relation=CounterclaimRelation(form.cleaned_data["relation"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if revision is not None:
                message = _("Decision held for an editor's approval of the published incident.")
            elif state == ProposalState.CONFIRMED:
                message = _("Counterclaim confirmed.")
            else:
                message = _("Counterclaim dismissed.")
            ids = [counterclaim.claim_a_id, counterclaim.claim_b_id]
            return _counterclaim_done(request, incident, ids, revision is not None, message)
    return _form(
        request,
        form,
        label=_("Confirm or dismiss this counterclaim"),
        incident=incident,
        decide=counterclaim,
    )


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None
