"""Published incidents for anyone, without logging in: the grid, its citations, and ClaimReview
JSON-LD for every claim with a verdict (for search engines and fact-check aggregators)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from tracker.enums import EditorialAction, EditorialState
from tracker.exports.claimreview import incident_claimreview_jsonld, jsonld_script
from tracker.models import EditorialLogEntry, Incident
from tracker.selectors.grid import incident_grid
from tracker.selectors.incident_page import statement_timeline


def public_incident(request: HttpRequest, pk: int) -> HttpResponse:
    incident = get_object_or_404(Incident.objects.select_related("conflict", "merged_into"), pk=pk)
    if incident.merged_into_id:
        return redirect("tracker:public-incident", pk=incident.merged_into_id)
    if incident.state == EditorialState.RETRACTED:
        # Readers who followed a link learn why it is gone, rather than meeting a bare 404.
        retraction = (
            EditorialLogEntry.objects.filter(incident_id=pk, action=EditorialAction.RETRACTED)
            .order_by("-created_at")
            .first()
        )
        return render(
            request,
            "tracker/public_retracted.html",
            {"incident": incident, "retraction": retraction},
            status=410,
        )
    if incident.state != EditorialState.PUBLISHED:
        raise Http404("No published incident here.")
    grid = incident_grid(incident=incident, public=True)
    base_url = f"{request.scheme}://{request.get_host()}"
    return render(
        request,
        "tracker/public_incident.html",
        {
            "incident": incident,
            "grid": grid,
            "timeline": statement_timeline(grid),
            "jsonld": jsonld_script(incident_claimreview_jsonld(incident, base_url=base_url)),
        },
    )
