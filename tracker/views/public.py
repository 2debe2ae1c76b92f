"""Published incidents for anyone, without logging in: the grid, its citations, and ClaimReview
JSON-LD for every claim with a verdict (for search engines and fact-check aggregators).

The page is the same for every reader, logged in or not (no user menu, no CSRF token, no
session read), so a CDN may keep one copy and serve it to all (tracker.views.caching)."""

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from tracker.enums import EditorialAction, EditorialState
from tracker.models import EditorialLogEntry, Incident
from tracker.selectors.freshness import incident_freshness
from tracker.selectors.grid import incident_grid
from tracker.selectors.incident_page import statement_timeline
from tracker.web.caching import cached_publicly
from tracker.web.claimreview import incident_claimreview_jsonld, jsonld_script

# Overrides the context processors' per-reader values: what one reader sees, all may be served.
ANY_READER = {"user": AnonymousUser(), "perms": {}, "csrf_token": "", "messages": ()}


@cached_publicly(incident_freshness)
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
            {**ANY_READER, "incident": incident, "retraction": retraction},
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
            **ANY_READER,
            "incident": incident,
            "grid": grid,
            "timeline": statement_timeline(grid),
            "jsonld": jsonld_script(incident_claimreview_jsonld(incident, base_url=base_url)),
        },
    )
