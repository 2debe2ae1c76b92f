from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from tracker.models import Incident
from tracker.selectors.grid import incident_grid

PAGE_SIZE = 50


@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    incidents = (
        Incident.objects.live().select_related("conflict").order_by("-occurred_start", "-id")
    )
    page = Paginator(incidents, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "tracker/incident_list.html", {"page_obj": page})


@login_required
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = get_object_or_404(Incident.objects.select_related("conflict", "merged_into"), pk=pk)
    if incident.merged_into_id:
        # A merged duplicate's address keeps working: it leads to the incident it became part of.
        return redirect(incident.merged_into)
    return render(
        request,
        "tracker/incident_detail.html",
        {"incident": incident, "grid": incident_grid(incident=incident)},
    )
