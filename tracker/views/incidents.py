import re
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tracker.enums import DisputeStatus
from tracker.forms.incident_filters import IncidentFilterForm
from tracker.maps import cluster_radius, region_map
from tracker.models import Incident
from tracker.selectors.collab import incident_comments
from tracker.selectors.grid import incident_grid
from tracker.selectors.incident_list import (
    MAX_ZOOM,
    BadCursorError,
    cell_degrees,
    conflict_of,
    hidden_from,
    incidents_clustered,
    incidents_keyset_page,
    incidents_listed,
    incidents_timeline,
    sees_unpublished,
    selection_extent,
    zoom_for_span,
)
from tracker.selectors.incident_page import (
    editorial_log,
    incident_sources,
    incidents_for_page,
    merged_into_here,
    pending_revisions,
    statement_timeline,
)
from tracker.selectors.incident_queries import IncidentCriteria, incidents_matching
from tracker.selectors.parties import sides_countries
from tracker.views.editorial import incident_permissions

PAGE_SIZE = 50
EXPORTS = (
    ("feeds:incidents-csv", "CSV"),
    ("feeds:incidents-atom", "Atom"),
    ("feeds:incidents-geojson", "GeoJSON"),
)
# What a page link or the list's order adds to the query: no filter, so no export takes it.
NOT_FILTERS = ("cursor", "sort")
ZOOM = re.compile(r"[0-9]{1,2}")


def _filtered(request: HttpRequest) -> tuple[IncidentFilterForm, IncidentCriteria, str]:
    """The list's form, what its valid fields ask for, and the order of the rows."""
    form = IncidentFilterForm(
        request.GET or None, published_only=not sees_unpublished(request.user)
    )
    criteria, sort = IncidentCriteria(), "newest"
    if form.is_bound:
        form.is_valid()  # an invalid field is reported beside it; the valid ones still filter
        criteria, sort = form.criteria(), form.cleaned_data.get("sort") or sort
    return form, criteria, sort


@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    form, criteria, sort = _filtered(request)
    published_only = not sees_unpublished(request.user)
    incidents = incidents_listed(criteria, published_only=published_only)
    selected = incidents_matching(criteria, published_only=published_only)
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
    filters = query.copy()
    for name in NOT_FILTERS:
        filters.pop(name, None)
    filtered = criteria != IncidentCriteria()
    extent = selection_extent(selected, filtered=filtered)
    box = (extent.west, extent.south, extent.east, extent.north) if extent else None
    svg = region_map(box, focus=frozenset(sides_countries(conflict_of(criteria))))
    zoom = zoom_for_span((svg.width / svg.x_per_degree) / 2)
    mapped = incidents_clustered(selected, zoom=zoom)
    clusters = mapped.cells
    timeline = incidents_timeline(selected, filtered=filtered)
    for bar in timeline:
        in_month = filters.copy()
        in_month["occurred_from"] = bar.occurred_from.isoformat()
        in_month["occurred_to"] = bar.occurred_to.isoformat()
        bar.query = in_month.urlencode()
    filter_query = filters.urlencode()
    return render(
        request,
        "tracker/incident_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "cursor_error": cursor_error,
            "total": mapped.total,
            "map": svg,
            "zoom": zoom,
            "clusters": [
                (
                    cluster,
                    *svg.place_text(cluster.longitude, cluster.latitude),
                    cluster_radius(cluster.count),
                )
                for cluster in clusters
            ],
            "located": sum(cluster.count for cluster in clusters),
            "clusters_url": reverse("tracker:incident-clusters")
            + (f"?{filter_query}" if filter_query else ""),
            "timeline": timeline,
            "exports": [
                (label, reverse(name) + (f"?{filter_query}" if filter_query else ""))
                for name, label in EXPORTS
            ],
            "dispute_labels": DisputeStatus.choices,
        },
    )


@login_required
def incident_clusters(request: HttpRequest) -> HttpResponse:
    """The map's clusters for the list's filters, its box (`bbox`) and its `zoom`, as JSON: the
    map fetches them as it zooms. Bad parameters are a 400 that names them."""
    published_only = not sees_unpublished(request.user)
    form = IncidentFilterForm(request.GET, published_only=published_only)
    errors = (
        {} if form.is_valid() else {name: list(messages) for name, messages in form.errors.items()}
    )
    raw_zoom = request.GET.get("zoom", "")
    # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
    if not ZOOM.fullmatch(raw_zoom) or int(raw_zoom) > MAX_ZOOM:
        errors["zoom"] = [
            _("Give the zoom as a whole number from 0 to %(max)d.") % {"max": MAX_ZOOM}
        ]
    if errors:
        return JsonResponse({"errors": errors}, status=400)
    zoom = int(raw_zoom)
    clusters = incidents_clustered(
        incidents_matching(form.criteria(), published_only=published_only), zoom=zoom
    ).cells
    return JsonResponse(
        {
            "zoom": zoom,
            "cell_degrees": cell_degrees(zoom),
            "total": sum(cluster.count for cluster in clusters),
            "clusters": [
                {
                    "latitude": cluster.latitude,
                    "longitude": cluster.longitude,
                    "count": cluster.count,
                    "radius": cluster_radius(cluster.count),
                    "incident": None
                    if cluster.marker is None
                    else {
                        "id": cluster.marker.incident_id,
                        "title": cluster.marker.title,
                        "url": cluster.marker.url,
                        "disputed": cluster.marker.disputed,
                    },
                }
                for cluster in clusters
            ],
        }
    )


@login_required
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = get_object_or_404(incidents_for_page(), pk=pk)
    if incident.merged_into is not None:
        # A merged duplicate's address keeps working: it leads to the incident it became part of.
        return redirect(incident.merged_into)
    if hidden_from(request.user, incident.state):
        raise Http404(_("No published incident here."))
    return render(request, "tracker/incident_detail.html", incident_page_context(request, incident))


def incident_page_context(request: HttpRequest, incident: Incident) -> dict[str, Any]:
    """Everything the staff incident page shows; also what an inline addition answers with, so
    htmx can take the parts that changed from it. Each part is read once: the grid takes its
    sources from the page's list and the pending revisions their rows from the grid; the tabs
    and the comments section share the thread (tracker.templatetags.collab)."""
    sources = incident_sources(incident)
    grid = incident_grid(incident=incident, sources={source.pk: source for source in sources})
    return {
        "incident": incident,
        "grid": grid,
        "timeline": statement_timeline(grid),
        "sources": sources,
        "revisions": pending_revisions(incident, grid=grid),
        "log": editorial_log(incident),
        "merged_here": merged_into_here(incident),
        "comments": incident_comments(incident),
        "can": incident_permissions(request.user),
    }
