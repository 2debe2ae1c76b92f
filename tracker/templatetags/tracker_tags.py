"""Display helpers for claims' structured values."""

from datetime import timedelta

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tracker.models import Claim

register = template.Library()


def _range(low: int | None, high: int | None) -> str:
    if low is None and high is None:
        return ""
    if high is None:
        return _("at least %(n)s") % {"n": low}
    if low is None:
        return _("at most %(n)s") % {"n": high}
    return str(low) if low == high else f"{low}–{high}"


@register.simple_tag
def claim_figures(claim: Claim) -> str:
    """The structured values an editor compares across columns, in one short line."""
    parts = []
    if claim.accused_side_id:
        parts.append(_("blames %(side)s") % {"side": claim.accused_side.name})
    killed = _range(claim.killed_min, claim.killed_max)
    wounded = _range(claim.wounded_min, claim.wounded_max)
    whose = f" ({claim.casualty_side.name})" if claim.casualty_side_id else ""
    if killed:
        parts.append(_("killed: %(n)s") % {"n": killed} + whose)
    if wounded:
        parts.append(_("wounded: %(n)s") % {"n": wounded} + whose)
    if claim.time_start:
        start = claim.time_start.strftime("%d %b %H:%M")
        end = f" – {claim.time_end.strftime('%d %b %H:%M')}" if claim.time_end else ""
        precision = (
            f" ({claim.get_time_precision_display().lower()})" if claim.time_precision else ""
        )
        parts.append(f"{start}{end} UTC{precision}")
    if claim.place and claim.aspect == "location":
        parts.append(claim.place)
    return " · ".join(parts)


@register.filter
def duration(value: timedelta | None) -> str:
    """A response latency as a reader says it: '2 h 20 min', '3 days 4 h'."""
    if value is None:
        return ""
    minutes = int(value.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)d day", "%(n)d days", days) % {"n": days})
    if hours:
        parts.append(_("%(n)d h") % {"n": hours})
    if minutes or not parts:
        parts.append(_("%(n)d min") % {"n": minutes})
    return " ".join(parts)
