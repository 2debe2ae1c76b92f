"""Building an incident in the app: a new incident (from the list or from a report), a
statement from an empty grid cell, a claim with its aspect's values from a cell, a source by
address or by pasted text, and a source's archived copy. Thin: the forms check input,
tracker/services write, and every refusal comes back in words beside its field (422 without
JavaScript; htmx swaps the form in place)."""

import zlib
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import reselect, reswap, retarget

from tracker.enums import Aspect, TimePrecision
from tracker.forms.building import IncidentCreateForm, SourceAddForm, StatementAddForm
from tracker.forms.editorial import ClaimAddForm, StatementClaimForm
from tracker.forms.errors import add_service_errors
from tracker.forms.fields import is_id
from tracker.maps import region_map
from tracker.models import Conflict, Incident, Side, Source
from tracker.selectors.building import conflict_usual_timezone, side_parties
from tracker.selectors.grid import CORE_ASPECTS
from tracker.selectors.parties import sides_countries
from tracker.services.claims import (
    ClaimRefused,
    claim_create_reported,
    statement_create_with_claims,
)
from tracker.services.incidents import incident_create_reported
from tracker.services.intake import source_add_by_hand
from tracker.views.incidents import incident_page_context

# An archived page is someone else's HTML: shown with no script, no request anywhere, no form,
# in a sandbox of its own origin.
ARCHIVE_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def _require(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied(_("Your role does not allow this."))


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _status(request: HttpRequest, *forms: Any) -> int:
    refused = any(form.errors for form in forms)
    return 422 if request.method == "POST" and refused and not _htmx(request) else 200


def _added(request: HttpRequest, incident: Incident, anchor: str) -> HttpResponse:
    """After an addition from the grid: inline, the incident page re-read (the form's hx-select
    takes the parts that changed); otherwise back to the incident at ANCHOR."""
    if _htmx(request):
        return render(
            request, "tracker/incident_detail.html", incident_page_context(request, incident)
        )
    return redirect(f"{incident.get_absolute_url()}#{anchor}")


def _form_again(
    request: HttpRequest, name: str, context: dict[str, Any], selector: str, status: int
) -> HttpResponse:
    """The build form NAME, inline (after a POST its errors go back into the form at SELECTOR,
    not into the grid) or as its own page."""
    if _htmx(request):
        response = render(request, f"tracker/build/{name}_form.html", context)
        if request.method == "POST":
            return reselect(reswap(retarget(response, selector), "outerHTML"), selector)
        return response
    return render(request, f"tracker/build/{name}_page.html", context, status=status)


def _side(incident: Incident, raw: str | None) -> Side:
    """The side of INCIDENT's conflict a grid cell or column named; 404 for anything else."""
    if not raw or not is_id(raw):
        raise Http404(_("No such side."))
    return get_object_or_404(Side, pk=int(raw), conflict_id=incident.conflict_id)


def _from_source(source: Source, conflict: Conflict | None) -> dict[str, Any]:
    """What a report tells of a new incident: its title, and its date read in the conflict's
    usual zone (to the day: a report's publication time is not the event's)."""
    zone = conflict_usual_timezone(conflict) if conflict else ""
    initial: dict[str, Any] = {"title": source.title[:300], "source": source.pk}
    if source.published_at:
        local = source.published_at.astimezone(ZoneInfo(zone)) if zone else source.published_at
        initial["local_start"] = local.replace(hour=0, minute=0, second=0, tzinfo=None)
        initial["time_precision"] = TimePrecision.DAY
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def incident_new(request: HttpRequest) -> HttpResponse:
    """New incident, from the list page or (?source=ID) from a report, which is gathered for it."""
    _require(request, "tracker.add_incident")
    source_id = request.POST.get("source") or request.GET.get("source")
    source = get_object_or_404(Source, pk=source_id) if source_id and source_id.isdigit() else None
    conflicts = list(Conflict.objects.order_by("name")[:2])
    conflict = conflicts[0] if len(conflicts) == 1 else None
    initial: dict[str, Any] = {"conflict": conflict}
    if conflict is not None:
        initial["local_timezone"] = conflict_usual_timezone(conflict)
    if source is not None:
        initial |= _from_source(source, conflict)
    form = IncidentCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name != "source"}
        try:
            incident = incident_create_reported(**data, source=source, user=request.user)
        except ValidationError as error:
            add_service_errors(
                form, error, renamed={"occurred_start": "local_start", "occurred_end": "local_end"}
            )
        else:
            return redirect(incident)
    return render(
        request,
        "tracker/build/incident_new.html",
        {
            "form": form,
            "source": source,
            # The list page's map framed on the conflict: it carries its projection for the script.
            "picker": region_map(None, focus=frozenset(sides_countries(conflict))),
        },
        status=_status(request, form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def statement_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A statement of the side whose grid cell or column asked (?side=ID): only its parties;
    with it, a claim per core aspect (rows left empty create nothing), all saved or none."""
    _require(request, "tracker.add_statement")
    incident = get_object_or_404(Incident.objects.live().select_related("conflict"), pk=pk)
    side = _side(incident, request.POST.get("side") or request.GET.get("side"))
    parties = side_parties(side)
    only = list(parties[:2])
    form = StatementAddForm(
        request.POST or None,
        parties=parties,
        initial={
            "issued_timezone": incident.local_timezone,
            "party": only[0] if len(only) == 1 else None,  # a side of one party: chosen already
        },
    )
    rows = [
        StatementClaimForm(request.POST or None, incident=incident, side=side, aspect=aspect)
        for aspect in CORE_ASPECTS
    ]
    if (
        request.method == "POST"
        and form.is_valid()
        and all([row.is_valid() for row in rows])  # every row checked: each shows its errors
    ):
        claims = {row.aspect: claim for row in rows if (claim := row.claim())}
        if claims:
            _require(request, "tracker.add_claim")
        try:
            statement = statement_create_with_claims(
                zone=incident.local_timezone,
                claims=claims,
                incident=incident,
                user=request.user,
                **form.cleaned_data,
            )
        except ClaimRefused as error:
            add_service_errors(next(row for row in rows if row.aspect == error.aspect), error)
        except ValidationError as error:
            add_service_errors(form, error, renamed={"issued_at": "issued_local"})
        else:
            return _added(request, incident, f"statement-{statement.pk}")
    context = {"form": form, "rows": rows, "incident": incident, "side": side}
    return _form_again(
        request, "statement", context, f"#statement-form-{side.pk}", _status(request, form, *rows)
    )


@login_required
@require_http_methods(["GET", "POST"])
def claim_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A claim from the grid cell that asked (?side=ID&aspect=NAME): a statement of that side,
    the claim's text and only that aspect's values."""
    _require(request, "tracker.add_claim")
    incident = get_object_or_404(Incident.objects.live().select_related("conflict"), pk=pk)
    data = request.POST if request.method == "POST" else request.GET
    side = _side(incident, data.get("side"))
    if data.get("aspect") not in Aspect.values:
        raise Http404(_("No such aspect."))
    aspect = Aspect(data["aspect"])
    form = ClaimAddForm(request.POST or None, incident=incident, side=side, aspect=aspect)
    if request.method == "POST" and form.is_valid():
        try:
            claim = claim_create_reported(
                zone=incident.local_timezone,
                statement=form.cleaned_data["statement"],
                aspect=aspect,
                text=form.cleaned_data["text"],
                user=request.user,
                **form.values(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _added(request, incident, f"claim-{claim.pk}")
    context = {"form": form, "incident": incident, "side": side, "aspect": aspect}
    selector = f"#claim-form-{side.pk}-{aspect.value}"
    return _form_again(request, "claim", context, selector, _status(request, form))


@login_required
@require_http_methods(["GET", "POST"])
def source_new(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """A source by address or by pasted text; from an incident (gathered for it) or the inbox."""
    _require(request, "tracker.add_source")
    incident = get_object_or_404(Incident.objects.live(), pk=pk) if pk is not None else None
    form = SourceAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            source = source_add_by_hand(
                url=data["url"],
                fetch=data["how"] == SourceAddForm.BY_URL,
                title=data["title"],
                text=data["text"],
                published_at=data["published_at"],
                outlet=data["outlet"],
                incident=incident,
                user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # From an incident: the source page offers that incident's claims to cite at once.
            page = reverse("tracker:source-detail", args=[source.pk])
            return redirect(f"{page}?incident={incident.pk}" if incident else page)
    action = (
        reverse("tracker:incident-source-new", args=[incident.pk])
        if incident
        else reverse("tracker:source-new")
    )
    return render(
        request,
        "tracker/build/source_new.html",
        {"form": form, "incident": incident, "action": action},
        status=_status(request, form),
    )


@login_required
@require_GET
def source_archived(request: HttpRequest, pk: int) -> HttpResponse:
    """The page as ingest archived it (Source.snapshot), inert: sandboxed, no scripts, nothing
    loaded from anywhere."""
    _require(request, "tracker.view_source")
    source = get_object_or_404(Source.objects.only("snapshot"), pk=pk)
    if not source.snapshot:
        raise Http404(_("No archived copy of this page."))
    # The page's bytes as they came: its own <meta charset> tells the browser how to read them.
    response = HttpResponse(zlib.decompress(bytes(source.snapshot)), content_type="text/html")
    response["Content-Security-Policy"] = ARCHIVE_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    return response
