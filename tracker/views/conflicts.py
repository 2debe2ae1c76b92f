"""The conflict page: four ledgers as server-built SVG charts with their tables, for staff
(`/conflicts/<slug>/`, every live incident) and the public (`/p/conflicts/<slug>/`, published
incidents only); the accusation chart's drill-down; CSV and JSON downloads of every ledger."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseBase,
)
from django.shortcuts import render
from django.urls import reverse

from tracker.forms.ledger_filters import LedgerFilterForm
from tracker.models import Conflict
from tracker.selectors.ledgers import (
    LEDGER_TABLES,
    LedgerFilters,
    accusation_incidents,
    conflict_sides,
    ledger_conflict,
    ledger_table,
)
from tracker.selectors.statement_watch import recent_source_changes
from tracker.views.ledger_charts import (
    LedgerLinks,
    accusation_charts,
    casualty_charts,
    latency_charts,
    verdict_charts,
)
from tracker.web.ledgers import ledger_csv, ledger_json


def _conflict(slug: str) -> Conflict:
    conflict = ledger_conflict(slug=slug)
    if conflict is None:
        raise Http404
    return conflict


def _page(request: HttpRequest, slug: str, *, public: bool) -> HttpResponse:
    conflict = _conflict(slug)
    form = LedgerFilterForm(request.GET, conflict=conflict)
    if not form.is_valid():
        # The errors are shown beside the fields; the page shows the unfiltered ledgers.
        filters = LedgerFilters(published_only=public)
    else:
        filters = form.filters(published_only=public)
    links = LedgerLinks(conflict, filters, public=public)
    return render(
        request,
        "tracker/conflict.html",
        {
            "conflict": conflict,
            "form": form,
            "filters": filters,
            "public": public,
            "links": links,
            "downloads": {
                name: {fmt: links.download(name, fmt) for fmt in ("csv", "json")}
                for name in LEDGER_TABLES
            },
            "accusations": accusation_charts(conflict, filters, links),
            "casualties": casualty_charts(conflict, filters, links),
            "latency": latency_charts(conflict, filters, links),
            "verdicts": verdict_charts(conflict, filters),
            "source_changes": recent_source_changes(conflict=conflict, published_only=public),
        },
        status=200 if form.is_valid() else 400,
    )


@login_required
def conflict_page(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, slug, public=False)


def public_conflict_page(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, slug, public=True)


def _drill(request: HttpRequest, slug: str, *, public: bool) -> HttpResponse:
    conflict = _conflict(slug)
    form = LedgerFilterForm(request.GET, conflict=conflict)
    sides = {str(side.pk): side for side in conflict_sides(conflict)}
    accuser, accused = (
        sides.get(request.GET.get("accuser", "")),
        sides.get(request.GET.get("accused", "")),
    )
    if not form.is_valid():
        return HttpResponseBadRequest(form.error_text())
    if accuser is None or accused is None or accuser == accused:
        return HttpResponseBadRequest(
            "accuser and accused must be the ids of two different sides of this conflict."
        )
    filters = form.filters(published_only=public)
    links = LedgerLinks(conflict, filters, public=public)
    incidents = accusation_incidents(
        conflict=conflict,
        filters=filters,
        accuser=accuser,
        accused=accused,
        mutual=request.GET.get("mutual") == "1",
    )
    for row in incidents:
        row["href"] = links.incident(row["id"])
    return render(
        request,
        "tracker/conflict_incidents.html",
        {
            "conflict": conflict,
            "public": public,
            "filters": filters,
            "accuser": accuser,
            "accused": accused,
            "mutual": request.GET.get("mutual") == "1",
            "incidents": incidents,
            "back": reverse(
                "tracker:public-conflict" if public else "tracker:conflict", args=[slug]
            ),
        },
    )


@login_required
def conflict_incidents(request: HttpRequest, slug: str) -> HttpResponse:
    return _drill(request, slug, public=False)


def public_conflict_incidents(request: HttpRequest, slug: str) -> HttpResponse:
    return _drill(request, slug, public=True)


def _download(
    request: HttpRequest, slug: str, name: str, fmt: str, *, public: bool
) -> HttpResponseBase:
    conflict = _conflict(slug)
    if name not in LEDGER_TABLES or fmt not in ("csv", "json"):
        return HttpResponseBadRequest(
            f"Unknown ledger or format: choose one of {', '.join(LEDGER_TABLES)} as csv or json."
        )
    form = LedgerFilterForm(request.GET, conflict=conflict)
    if not form.is_valid():
        return HttpResponseBadRequest(form.error_text())
    filters = form.filters(published_only=public)
    table = ledger_table(name, conflict=conflict, filters=filters)
    if fmt == "csv":
        return ledger_csv(name, table, conflict=conflict)
    return ledger_json(name, table, conflict=conflict, filters=filters)


@login_required
def conflict_ledger(request: HttpRequest, slug: str, name: str, fmt: str) -> HttpResponseBase:
    return _download(request, slug, name, fmt, public=False)


def public_conflict_ledger(
    request: HttpRequest, slug: str, name: str, fmt: str
) -> HttpResponseBase:
    return _download(request, slug, name, fmt, public=True)
