from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from tracker.enums import DisputeStatus
from tracker.forms.incident_filters import IncidentFilterForm
from tracker.maps import incident_map
from tracker.models import Incident
from tracker.selectors.grid import incident_grid
from tracker.selectors.incident_list import (
    BadCursorError,
    conflict_of,
    incidents_keyset_page,
    incidents_listed,
    incidents_markers,
    incidents_timeline,
)
from tracker.selectors.incident_page import (
    editorial_log,
    incident_sources,
    merged_into_here,
    pending_revisions,
    statement_timeline,
)
from tracker.selectors.incident_queries import IncidentCriteria
from tracker.selectors.parties import sides_countries
from tracker.views.editorial import incident_permissions

PAGE_SIZE = 50


@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    form = IncidentFilterForm(request.GET or None)
    criteria, sort = IncidentCriteria(), "newest"
    if form.is_bound:
        form.is_valid()  # an invalid field is reported beside it; the valid ones still filter
        criteria, sort = form.criteria(), form.cleaned_data.get("sort") or sort
    incidents = incidents_listed(criteria)
    cursor_error = ""
    try:
        page = incidents_keyset_page(
            incidents, sort=sort, cursor=request.GET.get("cursor", ""), size=PAGE_SIZE
        )
    except BadCursorError as error:
        page = incidents_keyset_page(incidents, sort=sort, cursor="", size=PAGE_SIZE)
        cursor_error = str(error)
    query = request.GET.copy()
    query.pop("cursor", None)
    markers = incidents_markers(incidents)
    return render(
        request,
        "tracker/incident_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "cursor_error": cursor_error,
            "map": incident_map(markers, focus=sides_countries(conflict_of(criteria))),
            "timeline": incidents_timeline(incidents),
            "dispute_labels": DisputeStatus.choices,
        },
    )


@login_required
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = get_object_or_404(Incident.objects.select_related("conflict", "merged_into"), pk=pk)
    if incident.merged_into is not None:
        # A merged duplicate's address keeps working: it leads to the incident it became part of.
        return redirect(incident.merged_into)
    grid = incident_grid(incident=incident)
    user = request.user
    return render(
        request,
        "tracker/incident_detail.html",
        {
            "incident": incident,
            "grid": grid,
            "timeline": statement_timeline(grid),
            "sources": incident_sources(incident),
            "revisions": pending_revisions(incident),
            "log": editorial_log(incident),
            "merged_here": merged_into_here(incident),
            "can": incident_permissions(user),
        },
    )
