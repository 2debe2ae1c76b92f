"""A conflict's ledgers made into what the page shows: SVG charts (tracker.charts.svg), the
tables beside them (tracker.charts.tables), and the links every mark carries, on the staff or
the public side."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from tracker.charts.svg import Bar, Step, column_chart, diverging_bars, stacked_columns, step_chart
from tracker.charts.tables import link, number_table
from tracker.enums import LedgerZoom, Verdict
from tracker.models import Conflict, Side
from tracker.selectors.ledgers import (
    PAGE_ROWS,
    LedgerFilters,
    accusation_ledger,
    bucket_end,
    casualty_figures,
    casualty_ledger,
    latency_ledger,
    verdict_ledger,
)

PLACEHOLDER = 987654321
FIGURES_ON_PAGE = 100


def _periods(first: date, last: date, zoom: LedgerZoom) -> list[date]:
    periods = [first]
    while (following := bucket_end(periods[-1], zoom)) <= last:
        periods.append(following)
    return periods


def _period_label(start: date, zoom: LedgerZoom) -> str:
    return start.strftime("%b %Y") if zoom == LedgerZoom.MONTH else start.strftime("%d %b %Y")


class LedgerLinks:
    """Addresses on the staff or the public side."""

    def __init__(self, conflict: Conflict, filters: LedgerFilters, *, public: bool) -> None:
        self.conflict, self.filters, self.public = conflict, filters, public
        self.prefix = "tracker:public-conflict" if public else "tracker:conflict"
        # reverse() once per page, not once per mark (thousands of them on a large conflict).
        name = "tracker:public-incident" if public else "tracker:incident-detail"
        self._incident = reverse(name, args=[PLACEHOLDER]).split(str(PLACEHOLDER))
        self._source = reverse("tracker:source-detail", args=[PLACEHOLDER]).split(str(PLACEHOLDER))
        self._page = reverse(self.prefix, args=[conflict.slug])

    def drill(self, start: date, end: date, accuser: Side, accused: Side, mutual: bool) -> str:
        params: dict[str, str | int] = {
            **self.filters.as_params(),
            "from": start.isoformat(),
            "to": (end - timedelta(days=1)).isoformat(),
            "accuser": accuser.pk,
            "accused": accused.pk,
        }
        if mutual:
            params["mutual"] = "1"
        url = reverse(f"{self.prefix}-incidents", args=[self.conflict.slug])
        return f"{url}?{urlencode(params)}"

    def statement(self, incident_id: int, statement_id: int) -> str:
        return f"{self.incident(incident_id)}#statement-{statement_id}"

    def incident(self, incident_id: int) -> str:
        return f"{self._incident[0]}{incident_id}{self._incident[1]}"

    def citation(self, source_id: int, citation_id: int) -> str:
        return f"{self._source[0]}{source_id}{self._source[1]}#citation-{citation_id}"

    def period(self, start: date, end: date, party_id: int) -> str:
        """This page for one period, day by day, one party: a chart point's drill-down."""
        params: dict[str, str | int] = {
            **self.filters.as_params(),
            "from": start.isoformat(),
            "to": (end - timedelta(days=1)).isoformat(),
            "party": party_id,
            "zoom": LedgerZoom.DAY.value,
        }
        return f"{self._page}?{urlencode(params)}#casualties"

    def download(self, name: str, fmt: str) -> str:
        url = reverse(f"{self.prefix}-ledger", args=[self.conflict.slug, name, fmt])
        query = urlencode(self.filters.as_params())
        return f"{url}?{query}" if query else url


def accusation_charts(conflict: Conflict, filters: LedgerFilters, links: LedgerLinks) -> dict:
    ledger = accusation_ledger(conflict=conflict, filters=filters)
    charts: list[dict[str, Any]] = []
    for pair in ledger.pairs:
        if not pair.bars:
            charts.append({"pair": pair, "svg": None})
            continue
        by_start = {bar.bucket: bar for bar in pair.bars}
        bars = []
        for start in _periods(pair.bars[0].bucket, pair.bars[-1].bucket, filters.zoom):
            found = by_start.get(start)
            end = bucket_end(start, filters.zoom)
            bars.append(
                Bar(
                    label=_period_label(start, filters.zoom),
                    up=found.forward if found else 0,
                    down=found.backward if found else 0,
                    up_href=links.drill(start, end, pair.a, pair.b, False),
                    down_href=links.drill(start, end, pair.b, pair.a, False),
                    marked=bool(found and found.mutual),
                    marked_href=links.drill(start, end, pair.a, pair.b, True),
                )
            )
        svg = diverging_bars(
            bars,
            title=f"Mutual accusations: {pair.a.name} and {pair.b.name}",
            up_label=f"{pair.a.name} accused {pair.b.name}",
            down_label=f"{pair.b.name} accused {pair.a.name}",
            desc=f"Incidents per {filters.zoom.label.lower()} in which each side said the other "
            "started it; dots mark periods with incidents in which both accused each other.",
        )
        table = number_table(
            [
                "Period starting",
                f"{pair.a.name} accused {pair.b.name}",
                f"{pair.b.name} accused {pair.a.name}",
                "Both accused each other",
            ],
            [
                (f"{bar.bucket:%d %b %Y}", bar.forward, bar.backward, bar.mutual)
                for bar in pair.bars
            ],
            name=f"Mutual accusations: {pair.a.name} and {pair.b.name}",
        )
        charts.append({"pair": pair, "svg": svg, "table": table})
    return {"table": ledger.table, "charts": charts}


def casualty_charts(conflict: Conflict, filters: LedgerFilters, links: LedgerLinks) -> dict:
    ledger = casualty_ledger(conflict=conflict, filters=filters)
    charts: list[dict[str, Any]] = []
    steps_all = [step for line in ledger.series for step in line.steps]
    if steps_all:
        start = _midnight(min(step.bucket for step in steps_all))
        end = _midnight(max(step.end for step in steps_all))
        for line in ledger.series:
            points = [
                Step(
                    at=_midnight(step.bucket),
                    low=step.low,
                    high=step.high if step.high is not None else step.low,
                    href=links.statement(step.last_incident, step.last_statement)
                    if step.figures == 1
                    else links.period(step.bucket, step.end, line.party.pk),
                    tip=f"{_period_label(step.bucket, filters.zoom)}: {step.figures} figure(s), "
                    f"{step.revisions} revision(s); running total "
                    f"{'at least ' if step.high is None else ''}{step.low}"
                    f"{'' if step.high in (None, step.low) else f'–{step.high}'}",
                )
                for step in line.steps
            ]
            svg = step_chart(
                points,
                title=line.label,
                desc="Running total of the figures this party issued, a revised figure "
                "replacing its earlier one; each dot is a period and links to its statement "
                "(or, for several, to that period day by day).",
                start=start,
                end=end,
            )
            charts.append({"series": line, "svg": svg})
    figures = list(casualty_figures(conflict=conflict, filters=filters, limit=FIGURES_ON_PAGE).rows)
    figures_table = number_table(
        [
            "As of (UTC)",
            "Claimant",
            "Whose losses",
            "Category",
            "Figure",
            "Running total",
            "Statement",
        ],
        [
            (
                f"{f['as_of']:%d %b %Y %H:%M}",
                f["party"],
                f"{f['victim']} ({f['whose']})",
                f["kind"],
                format_html('{} <span class="badge">revised later</span>', f["figure"])
                if f["revised"]
                else f["figure"],
                f["running_total"],
                _statement_cell(f, links),
            )
            for f in figures
        ],
        row_classes=["revised" if f["revised"] else "" for f in figures],
        name="Casualty figures",
    )
    totals_table = number_table(
        [
            "Period starting",
            "Claimant",
            "Whose losses",
            "Category",
            "Figures",
            "Revisions",
            "Running total",
        ],
        [
            (
                f"{r['bucket']:%d %b %Y}",
                r["party"],
                f"{r['victim']} ({r['whose']})",
                r["kind"],
                r["figures"],
                r["revisions"],
                r["total"],
            )
            for r in ledger.table.rows
        ],
        name="Casualty figures per period",
    )
    return {
        "table": ledger.table,
        "charts": charts,
        "figures": figures,
        "figures_table": figures_table,
        "totals_table": totals_table,
    }


def _statement_cell(figure: dict, links: LedgerLinks) -> SafeString:
    title = figure["incident"] if len(figure["incident"]) <= 60 else figure["incident"][:59] + "…"
    cell = link(links.statement(figure["incident_id"], figure["statement_id"]), title)
    if figure["citation_id"] and not links.public:
        citation = link(links.citation(figure["source_id"], figure["citation_id"]), "citation")
        cell = format_html("{} · {}", cell, citation)
    return cell


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC)


def latency_charts(conflict: Conflict, filters: LedgerFilters, links: LedgerLinks) -> dict:
    ledger = latency_ledger(conflict=conflict, filters=filters, silences=PAGE_ROWS)
    charts = [
        {
            "distribution": d,
            "svg": column_chart(
                [Bar(label=label, up=count) for label, count in d.bins],
                title=f"How long {d.side.name} took to answer",
                desc=f"Incidents by the time from the other side's first statement to "
                f"{d.side.name}'s first.",
            ),
            "table": number_table(
                ["Answered after", "Incidents"], d.bins, name=f"How long {d.side.name} took"
            ),
        }
        for d in ledger.distributions
    ]
    shown = list(ledger.silences.rows)  # the latest
    listing = format_html_join(
        "",
        '<li><a href="{}">{}</a> <span class="muted">{} · {} never answered</span></li>',
        (
            (
                links.incident(r["incident_id"]),
                r["title"],
                f"{r['occurred_start']:%d %b %Y}",
                r["silent_side"],
            )
            for r in shown
        ),
    )
    return {
        "table": ledger.table,
        "charts": charts,
        "silences": shown,
        "silence_count": ledger.silence_count,
        "silences_listing": listing,
        "silences_cut": ledger.silence_count - len(shown),
    }


def verdict_charts(conflict: Conflict, filters: LedgerFilters) -> dict:
    ledger = verdict_ledger(conflict=conflict, filters=filters)
    charts = [
        {
            "series": s,
            "svg": stacked_columns(
                [
                    (
                        _period_label(bucket, filters.zoom),
                        [(v.value, counts.get(v.value, 0)) for v in Verdict],
                    )
                    for bucket, counts in s.buckets
                ],
                title=f"Verdicts on {s.party.name}'s claims",
                desc="Claims per period, stacked by the verdict editors gave them.",
            ),
            "totals": [(v.value, v.label, s.totals[v.value]) for v in Verdict],
        }
        for s in ledger.series
    ]
    return {"table": ledger.table, "charts": charts}
