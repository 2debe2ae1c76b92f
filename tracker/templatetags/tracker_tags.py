"""Display helpers for claims' structured values."""

from datetime import datetime, timedelta
from functools import lru_cache
from html import escape as e

from django import template
from django.db.models import TextChoices
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from tracker.enums import Aspect, Channel, CounterclaimRelation, TimePrecision, Verdict
from tracker.models import Claim, Counterclaim, Statement
from tracker.selectors.grid import ClaimView
from tracker.selectors.statement_watch import SourceChange
from tracker.templatetags.text import truncated, when

register = template.Library()


def _range(low: int | None, high: int | None) -> str:
    if low is None and high is None:
        return ""
    if high is None:
        return _("at least %(n)s") % {"n": low}
    if low is None:
        return _("at most %(n)s") % {"n": high}
    return str(low) if low == high else f"{low}–{high}"


def claim_figures(claim: Claim) -> str:
    """The structured values an editor compares across columns, in one short line."""
    parts = []
    if claim.accused_side is not None:
        parts.append(_("blames %(side)s") % {"side": claim.accused_side.name})
    killed = _range(claim.killed_min, claim.killed_max)
    wounded = _range(claim.wounded_min, claim.wounded_max)
    whose = f" ({claim.casualty_side.name})" if claim.casualty_side is not None else ""
    if killed:
        parts.append(_("killed: %(n)s") % {"n": killed} + whose)
    if wounded:
        parts.append(_("wounded: %(n)s") % {"n": wounded} + whose)
    if claim.time_start:
        start = when(claim.time_start)
        end = f" – {when(claim.time_end)}" if claim.time_end else ""
        precision = (
            f" ({claim.get_time_precision_display().lower()})" if claim.time_precision else ""
        )
        parts.append(f"{start}{end} UTC{precision}")
    if claim.place and claim.aspect == "location":
        parts.append(claim.place)
    return " · ".join(parts)


# The parts of an incident match's score (tracker/enrich/incidents.py).
_SCORE_PARTS = {
    "time": gettext_lazy("time"),
    "text": gettext_lazy("wording"),
    "parties": gettext_lazy("parties"),
    "place": gettext_lazy("place"),
}


# The enum values the inbox's proposals carry in their payloads, by what they name.
_LABELS: dict[str, type[TextChoices]] = {
    "aspect": Aspect,
    "channel": Channel,
    "relation": CounterclaimRelation,
    "precision": TimePrecision,
}


@register.filter
def label_of(value: str | None, kind: str) -> str:
    """VALUE (an enum value such as "casualties") in words ("Casualties"); a value the enum
    does not know is shown as it is, and a score part by its name in words."""
    if kind == "score":
        return str(_SCORE_PARTS.get(value or "", value or ""))
    try:
        return str(_LABELS[kind](value or "").label)
    except ValueError:
        return value or ""


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


_RELATION_MARK = {"contradicts": "✕", "corroborates": "✓", "qualifies": "≈"}


@lru_cache(maxsize=16)
def _words(language: str) -> dict[str, str]:
    """Every fixed string a claim block shows, translated and escaped once per language (not
    per claim)."""
    words = {
        "proposed": _("proposed"),
        "held": _("awaiting approval: not public yet"),
        "claim_of": _("%(side)s’s claim"),
        "archived": _("archived source"),
        "original": _("original"),
        "uncited": _("No citation yet"),
        "edit": _("Edit"),
        "delete": _("Delete"),
        "counter": _("Contradicts…"),
        "decide": _("Confirm or dismiss…"),
        "verdict": _("Verdict"),
        "history": _("History"),
        "change:edited": _("Edited by the source on"),
        "change:removed": _("Removed by the source on"),
        "change:restored": _("Back online at the source since"),
        "what_changed": _("What changed"),
        "lost": _(
            "No longer in the source's current version (the citation keeps the one it quoted)"
        ),
        **{f"channel:{value}": str(label) for value, label in Channel.choices},
        **{f"verdict:{value}": str(label) for value, label in Verdict.choices},
        **{f"relation:{value}": str(label) for value, label in CounterclaimRelation.choices},
    }
    return {key: e(word) for key, word in words.items()}


@lru_cache(maxsize=8)
def _url_pattern(name: str, *prefix: str) -> str:
    """reverse() once per URL name, escaped; claims then only fill in their id."""
    return e(reverse(name, args=[*prefix, 987654321]).replace("987654321", "{}"))


def _source_change_note(change: SourceChange, words: dict[str, str]) -> str:
    """The grid cell's note that the statement's page was edited or removed by its source,
    with the diff (the statement view shows the same, tracker/partials/source_change.html)."""
    version = change.version
    kind = e(version.kind)
    when = e(date_format(version.seen_at, "j M Y"))
    diff = (
        f"<details><summary>{words['what_changed']}</summary><pre>{e(version.diff)}</pre></details>"
        if version.diff
        else ""
    )
    return (
        f'<div class="source-change {kind}" role="note"><p><strong>'
        f"{words.get('change:' + version.kind, words['change:edited'])} {when}</strong></p>"
        f"{diff}</div>"
    )


def _decide_link(pair: Counterclaim, claim: Claim, allowed: bool, words: dict[str, str]) -> str:
    """An editor's way to decide a proposed pair, from either of its claims."""
    if not allowed or pair.state != "proposed":
        return ""
    url = _url_pattern("tracker:counterclaim-decide").format(pair.pk)
    return (
        f' <a class="decide" href="{url}" hx-get="{url}" hx-target="#claim-panel-{claim.pk}">'
        f"{words['decide']}</a>"
    )


def _said_by(statement: Statement, language: str) -> str:
    """Who made the claim, how and when, as the grid names a claim: "MoD · press release ·
    13 Sep 2022" (escaped)."""
    return _said_by_values(statement.party.name, statement.channel, statement.issued_at, language)


@lru_cache(maxsize=1024)
def _said_by_values(party: str, channel: str, issued_at: datetime | None, language: str) -> str:
    """_said_by, built once per statement rather than once per claim (its date formatting
    alone would cost more than the rest of a claim's block)."""
    parts = [f"<bdi>{e(party)}</bdi>", _words(language).get(f"channel:{channel}", e(channel))]
    if issued_at:
        parts.append(e(when(issued_at, "date")))
    return " · ".join(parts)


@lru_cache(maxsize=1024)
def _cited_source(
    pk: int, url: str, name: str, language: str, editable: bool, words_language: str
) -> tuple[str, str, str]:
    """A citation's line without its excerpt, its id and its note: what comes from its
    source, escaped once per source rather than once per citation. Before the excerpt; after
    it, up to the archived copy's passage id (empty when not EDITABLE); after that id."""
    words = _words(words_language)
    # The newsroom reads the archived copy at the quoted passage (readers have no access to
    # it); the original address stays beside it, as the source gave it.
    archived = (
        f'<a href="{_url_pattern("tracker:source-detail").format(pk)}#passage-' if editable else ""
    )
    original = f'<a href="{e(url)}" rel="noopener noreferrer">{words["original"]}</a>'
    return (
        f'<blockquote lang="{e(language)}" dir="auto">“',
        f"”</blockquote><cite><bdi>{e(name)}</bdi></cite> · {archived}",
        f'">{words["archived"]}</a> · {original}' if editable else original,
    )


@lru_cache(maxsize=64)
def _claim_actions(language: str, edit: bool, verdict: bool, delete: bool, counter: bool) -> str:
    """A claim's action links for what the user may do, with "{pk}" where its id goes: built
    once per language and set of permissions, not once per claim."""
    words = _words(language)
    links = []
    for allowed, name, label in (
        (edit, "tracker:claim-edit", words["edit"]),
        (verdict, "tracker:claim-verdict", words["verdict"]),
        (delete, "tracker:claim-delete", words["delete"]),
        (counter, "tracker:claim-counterclaim", words["counter"]),
    ):
        if allowed:
            url = _url_pattern(name).replace("{}", "{pk}")
            links.append(
                f'<a href="{url}" hx-get="{url}" hx-target="#claim-panel-{{pk}}">{label}</a>'
            )
    history = _url_pattern("tracker:history", "claim").replace("{}", "{pk}")
    links.append(f'<a href="{history}">{words["history"]}</a>')
    return f'<p class="row-actions">{" ".join(links)}</p><div id="claim-panel-{{pk}}"></div>'


@register.simple_tag
def claim_block(
    view: ClaimView, editable: bool = False, can: dict | None = None, oob: bool = False
) -> SafeString:
    """One claim of the grid with its verdict, relations and citations.

    Built in Python with the standard library's escaping, strings translated, escaped and URLs
    reversed once per language, and what comes from a statement or a source once for all its
    claims and citations, rather than as template nodes: an incident with hundreds of claims
    and citations renders in milliseconds (bench/pages.py). Every value from the database
    passes through `e` (html.escape, quotes included). OOB: marked to replace its old block out
    of band (an htmx answer that changed two claims at once)."""
    language = get_language() or ""
    words = _words(language)
    claim = view.claim
    classes = (
        "claim"
        + (" contradicted" if view.contradicted else "")
        + (" corroborated" if view.corroborated else "")
    )
    out = [
        f'<div class="{classes}" id="claim-{claim.pk}" data-claim="{claim.pk}"'
        + (' hx-swap-oob="true">' if oob else ">"),
        f'<p class="claim-text" dir="auto">{e(claim.text)}</p>',
        f'<p class="claim-meta"><a href="#statement-{claim.statement_id}">'
        f"{_said_by(claim.statement, language)}</a></p>",
    ]
    if claim.held:
        out.append(f'<p class="held badge warn" role="note">{words["held"]}</p>')
    figures = claim_figures(claim)
    if figures:
        out.append(f'<p class="figures">{e(figures)}</p>')
    if view.source_change:
        out.append(_source_change_note(view.source_change, words))
    note = (
        f' <span class="verdict-note">{e(claim.verdict_note)}</span>' if claim.verdict_note else ""
    )
    verdict = e(claim.verdict)
    out.append(
        f'<p class="verdict"><span class="badge verdict-{verdict}" data-verdict="{verdict}">'
        f"{words['verdict:' + claim.verdict]}</span>{note}</p>"
    )
    for pair, other in view.relations:
        relation = e(pair.relation)
        whose = words["claim_of"] % {"side": e(other.side.name)}
        proposed = "".join(
            f' <span class="muted">({words[word]})</span>'
            for word, shown in (("proposed", pair.state == "proposed"), ("held", pair.held))
            if shown
        )
        out.append(
            f'<p class="relation relation-{relation}" data-relation="{relation}" '
            f'title="{e(pair.reason)}">{_RELATION_MARK.get(pair.relation, "")} '
            f"{words['relation:' + pair.relation]} "
            f'<a href="#claim-{other.claim.pk}">{whose}</a> '
            f'<q dir="auto">{e(truncated(other.claim.text, 80))}</q> '
            f"({_said_by(other.claim.statement, language)}){proposed}"
            + _decide_link(
                pair, claim, editable and bool((can or {}).get("decide_counterclaim")), words
            )
            + "</p>"
        )
    if view.citations:
        out.append('<ul class="citations">')
        for citation in view.citations:
            source = citation.source
            name = source.outlet.name if source.outlet else source.title
            before, after, tail = _cited_source(
                source.pk, source.url, name, source.language, editable, language
            )
            out.append(
                ('<li class="lost">' if citation.lost else "<li>")
                + f"{before}{e(citation.excerpt)}{after}{citation.pk if editable else ''}{tail}"
                + (f'<p class="lost" role="note">{words["lost"]}</p>' if citation.lost else "")
                + "</li>"
            )
        out.append("</ul>")
    else:
        out.append(f'<p class="uncited" role="note">{words["uncited"]}</p>')
    if editable:
        can = can or {}
        out.append(
            _claim_actions(
                language,
                bool(can.get("edit_claim")),
                bool(can.get("publish")),
                bool(can.get("delete_claim")),
                bool(can.get("propose_counterclaim")),
            ).replace("{pk}", str(claim.pk))
        )
    out.append("</div>")
    return mark_safe("".join(out))  # every value from outside went through e()
