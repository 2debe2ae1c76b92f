"""Charts drawn on the server as SVG: no script, no inline style (colours and sizes come from
classes in static/tracker/conflict.css), so they pass the strict Content-Security-Policy, print
as vectors and read the same without JavaScript. Every mark that stands for incidents or a
statement is a link to them; every chart carries a <title> and <desc>, and the page shows the
same numbers as a table beside it for screen readers.

The drawing functions take plain numbers and labels, never models: the ledgers decide what is
counted, this module only where it goes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 720
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 48, 12, 16, 28


@dataclass
class Bar:
    label: str  # the period or bin, shown on the axis and in the tooltip
    up: int
    down: int = 0
    up_href: str = ""
    down_href: str = ""
    marked: bool = False  # e.g. both sides accused each other in this period
    marked_href: str = ""


def _svg(title: str, desc: str, height: int, body: list[str], css: str) -> SafeString:
    ident = "chart-" + hashlib.sha1(f"{title}|{desc}".encode()).hexdigest()[:10]  # noqa: S324 - an id, not security
    # A chart whose marks are links is a group, so its links stay reachable; one without, an
    # image (an image's content is presentational: links inside it would be hidden).
    role = "group" if any(part.startswith("<a ") for part in body) else "img"
    return mark_safe(
        f'<svg class="chart {css}" viewBox="0 0 {WIDTH} {height}" role="{role}" '
        f'aria-labelledby="{ident}-t {ident}-d" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _rect(css: str, x: float, y: float, width: float, height: float) -> str:
    return (
        f'<rect class="{css}" x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}"/>'
    )


def _link(href: str, inner: str, tip: str) -> str:
    tooltip = f"<title>{escape(tip)}</title>"
    if not href:
        return f"<g>{tooltip}{inner}</g>"
    return f'<a href="{escape(href)}">{tooltip}{inner}</a>'


def _ticks(labels: Sequence[str], x_of: Callable[[int], float], y: float) -> list[str]:
    """At most about eight axis labels, evenly spaced."""
    step = max(1, -(-len(labels) // 8))
    return [
        f'<text class="tick" x="{x_of(i):.1f}" y="{y:.1f}">{escape(label)}</text>'
        for i, label in enumerate(labels)
        if i % step == 0
    ]


def diverging_bars(
    bars: Sequence[Bar], *, title: str, up_label: str, down_label: str, desc: str
) -> SafeString:
    """Counts of one direction above the axis and the other below it, one column per period;
    marked periods get a dot above their column."""
    # Legend of the upper direction on top, dots below it, the bars, period labels, then the
    # legend of the lower direction at the bottom: two lines, so phones' larger text never
    # makes them overlap.
    height, top, bottom = 300, 44, 56
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    half = (height - top - bottom) / 2
    axis_y = top + half
    peak = max([1, *(b.up for b in bars), *(b.down for b in bars)])
    slot = plot_w / max(1, len(bars))
    width = max(1.0, slot * 0.8)

    def x_of(i: int) -> float:
        return PAD_LEFT + i * slot + (slot - width) / 2

    body = [
        f'<text class="legend up" x="{PAD_LEFT}" y="20">▲ {escape(up_label)}</text>',
        f'<text class="legend down" x="{PAD_LEFT}" y="{height - 4}">▼ {escape(down_label)}</text>',
        f'<line class="axis" x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" '
        f'y1="{axis_y:.1f}" y2="{axis_y:.1f}"/>',
        f'<text class="scale" x="{PAD_LEFT - 6}" y="{axis_y - half + 4:.1f}">{peak}</text>',
        f'<text class="scale" x="{PAD_LEFT - 6}" y="{axis_y + half:.1f}">{peak}</text>',
    ]
    for i, bar in enumerate(bars):
        x = x_of(i)
        if bar.up:
            h = half * bar.up / peak
            rect = _rect("bar up", x, axis_y - h, width, h)
            body.append(_link(bar.up_href, rect, f"{bar.label}: {bar.up} — {up_label}"))
        if bar.down:
            h = half * bar.down / peak
            rect = _rect("bar down", x, axis_y, width, h)
            body.append(_link(bar.down_href, rect, f"{bar.label}: {bar.down} — {down_label}"))
        if bar.marked:
            dot = (
                f'<circle class="mark" cx="{x + width / 2:.1f}" cy="{top - 8}" '
                f'r="{max(2.0, min(4.0, width / 2)):.1f}"/>'
            )
            body.append(_link(bar.marked_href, dot, f"{bar.label}: both accused each other"))
    body += _ticks([b.label for b in bars], lambda i: x_of(i), height - 30)
    return _svg(title, desc, height, body, "diverging")


def column_chart(bars: Sequence[Bar], *, title: str, desc: str) -> SafeString:
    """One column per bin (a histogram)."""
    height = 180
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = height - PAD_TOP - PAD_BOTTOM
    peak = max([1, *(b.up for b in bars)])
    slot = plot_w / max(1, len(bars))
    width = slot * 0.8
    body = [
        f'<line class="axis" x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" '
        f'y1="{PAD_TOP + plot_h}" y2="{PAD_TOP + plot_h}"/>',
        f'<text class="scale" x="{PAD_LEFT - 6}" y="{PAD_TOP + 8}">{peak}</text>',
    ]
    for i, bar in enumerate(bars):
        h = plot_h * bar.up / peak
        x = PAD_LEFT + i * slot + (slot - width) / 2
        rect = _rect("bar up", x, PAD_TOP + plot_h - h, width, h)
        body.append(_link(bar.up_href, rect, f"{bar.label}: {bar.up}"))
        label = escape(bar.label)
        body.append(f'<text class="tick" x="{x + width / 2:.1f}" y="{height - 8}">{label}</text>')
    return _svg(title, desc, height, body, "columns")


@dataclass
class Step:
    at: datetime
    low: int
    high: int
    href: str = ""
    tip: str = ""


def step_chart(
    steps: Sequence[Step], *, title: str, desc: str, start: datetime, end: datetime
) -> SafeString:
    """A running figure as it changed: the low bound as a solid step line, the high bound dashed
    where it differs, a dot at every issued figure (linked to its statement)."""
    height = 160
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = height - PAD_TOP - PAD_BOTTOM
    peak = max([1, *(s.high for s in steps), *(s.low for s in steps)])
    span = max((end - start).total_seconds(), 1.0)

    def x_of(at: datetime) -> float:
        return PAD_LEFT + plot_w * min(max((at - start).total_seconds() / span, 0.0), 1.0)

    def y_of(value: int) -> float:
        return PAD_TOP + plot_h - plot_h * value / peak

    def path(values: list[int]) -> str:
        points = [f"M{PAD_LEFT},{y_of(0):.1f}"]
        for step, value in zip(steps, values, strict=True):
            x = x_of(step.at)
            points.append(f"H{x:.1f}V{y_of(value):.1f}")
        points.append(f"H{WIDTH - PAD_RIGHT}")
        return "".join(points)

    body = [
        f'<line class="axis" x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" '
        f'y1="{y_of(0):.1f}" y2="{y_of(0):.1f}"/>',
        f'<text class="scale" x="{PAD_LEFT - 6}" y="{PAD_TOP + 8}">{peak}</text>',
        f'<text class="scale" x="{PAD_LEFT - 6}" y="{y_of(0):.1f}">0</text>',
    ]
    if any(s.high != s.low for s in steps):
        body.append(f'<path class="step high" d="{path([s.high for s in steps])}"/>')
    body.append(f'<path class="step low" d="{path([s.low for s in steps])}"/>')
    for step in steps:
        dot = f'<circle class="point" cx="{x_of(step.at):.1f}" cy="{y_of(step.low):.1f}" r="3"/>'
        body.append(_link(step.href, dot, step.tip))
    body += [
        f'<text class="tick" x="{PAD_LEFT}" y="{height - 8}">{start:%d %b %Y}</text>',
        f'<text class="tick end" x="{WIDTH - PAD_RIGHT}" y="{height - 8}">{end:%d %b %Y}</text>',
    ]
    return _svg(title, desc, height, body, "steps")


def stacked_columns(
    columns: Sequence[tuple[str, list[tuple[str, int]]]], *, title: str, desc: str
) -> SafeString:
    """One column per period, stacked by category (class `seg-<category>`)."""
    height = 180
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = height - PAD_TOP - PAD_BOTTOM
    peak = max([1, *(sum(n for _, n in parts) for _, parts in columns)])
    slot = plot_w / max(1, len(columns))
    width = max(1.0, slot * 0.8)
    body = [
        f'<line class="axis" x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" '
        f'y1="{PAD_TOP + plot_h}" y2="{PAD_TOP + plot_h}"/>',
        f'<text class="scale" x="{PAD_LEFT - 6}" y="{PAD_TOP + 8}">{peak}</text>',
    ]
    for i, (label, parts) in enumerate(columns):
        x = PAD_LEFT + i * slot + (slot - width) / 2
        top: float = PAD_TOP + plot_h
        for category, count in parts:
            if not count:
                continue
            h = plot_h * count / peak
            top -= h
            rect = _rect(f"seg seg-{escape(category)}", x, top, width, h)
            body.append(_link("", rect, f"{label}: {count} {category}"))
    body += _ticks(
        [label for label, _ in columns],
        lambda i: PAD_LEFT + i * slot + slot / 2,
        height - 8,
    )
    return _svg(title, desc, height, body, "stacked")
