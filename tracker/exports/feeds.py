"""Atom (RFC 4287) and JSON Feed 1.1 of published incidents: one entry per incident, updated
when anything in it changes, its content each side's current positions per aspect.

Every entry links to the incident's public page, which anyone can open; the publisher
(COUNTERCLAIM_PUBLISHER) is the feed's author, as RFC 4287 requires an author on the feed or on
each entry. There is no feed-level home page: the incident list is for logged-in staff."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, rfc3339_date
from django.utils.html import format_html, format_html_join
from rest_framework.exceptions import ValidationError

from tracker.exports.common import (
    in_batches,
    positions,
    published_matching,
    published_outputs_freshness,
    side_names,
)
from tracker.models import Conflict, Party
from tracker.web.caching import cached_publicly
from tracker.web.claimreview import publisher
from tracker.web.problems import bad_request

FEED_SIZE = 50
SUBTITLE = "Each party's account of each incident, side by side."


class _IncidentAtom(Atom1Feed):
    """Django's Atom, corrected where RFC 4287 and readers need it: the summary is plain text
    (`type="text"`, where Django declares every summary HTML), the positions go in <content>,
    and the feed has no alternate link (it would lead to a login page)."""

    def add_root_elements(self, handler: Any) -> None:
        handler.addQuickElement("title", self.feed["title"])
        handler.addQuickElement("link", "", {"rel": "self", "href": self.feed["feed_url"]})
        handler.addQuickElement("id", self.feed["id"])
        handler.addQuickElement("updated", rfc3339_date(self.latest_post_date()))
        handler.startElement("author", {})
        handler.addQuickElement("name", self.feed["author_name"])
        handler.endElement("author")
        handler.addQuickElement("subtitle", self.feed["subtitle"], {"type": "text"})

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"]:
            handler.addQuickElement("summary", item["description"], {"type": "text"})
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


def _content_html(incident: dict[str, Any], sides: dict[int, str]) -> str:
    rows = format_html_join(
        "",
        "<h3>{}</h3><ul>{}</ul>",
        (
            (
                aspect,
                format_html_join(
                    "",
                    "<li><strong>{}:</strong> {}</li>",
                    ((side, " ".join(texts)) for side, texts in said),
                ),
            )
            for aspect, said in positions(incident, sides)
        ),
    )
    return format_html("<p>{}</p>{}", incident["summary"], rows) if incident["summary"] else rows


def _scope(kind: str | None, key: str | None) -> tuple[str, dict[str, Any]]:
    """The feed's title suffix and fixed filter for a per-conflict or per-party feed."""
    if kind == "conflict":
        conflict = get_object_or_404(Conflict, slug=key)
        return f" — {conflict.name}", {"conflict": conflict}
    if kind == "party":
        party = get_object_or_404(Party, pk=key)
        return f" — {party.name}", {"statements__party": party}
    return "", {}


def _entries(request: HttpRequest, kind: str | None, key: str | None) -> tuple[str, list[dict]]:
    suffix, fixed = _scope(kind, key)
    queryset = published_matching(request.GET, **fixed)
    if fixed.get("statements__party"):
        queryset = queryset.distinct()
    incidents = list(in_batches(queryset, limit=FEED_SIZE))
    sides = side_names({incident["conflict"] for incident in incidents})
    for incident in incidents:
        incident["url"] = request.build_absolute_uri(
            reverse("tracker:public-incident", args=[incident["id"]])
        )
        incident["content_html"] = _content_html(incident, sides)
    return f"Counterclaim incidents{suffix}", incidents


@cached_publicly(published_outputs_freshness)
def atom(request: HttpRequest, kind: str | None = None, key: str | None = None) -> HttpResponseBase:
    try:
        title, incidents = _entries(request, kind, key)
    except ValidationError as exc:
        return bad_request(exc)
    feed = _IncidentAtom(
        title=title,
        link="",
        description=SUBTITLE,
        subtitle=SUBTITLE,
        language=settings.LANGUAGE_CODE,
        author_name=publisher()["name"],
        feed_url=request.build_absolute_uri(),
        feed_guid=request.build_absolute_uri(),
    )
    for incident in incidents:
        feed.add_item(
            title=incident["title"],
            link=incident["url"],
            description=incident["summary"],
            content=incident["content_html"],
            unique_id=incident["url"],
            pubdate=incident["created_at"],
            updateddate=incident["changed_at"],
            categories=[incident["incident_type"], incident["dispute_status"]],
        )
    response = HttpResponse(content_type=feed.content_type)
    feed.write(response, "utf-8")
    return response


@cached_publicly(published_outputs_freshness)
def json_feed(
    request: HttpRequest, kind: str | None = None, key: str | None = None
) -> HttpResponseBase:
    try:
        title, incidents = _entries(request, kind, key)
    except ValidationError as exc:
        return bad_request(exc)
    body = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "feed_url": request.build_absolute_uri(),
        "description": SUBTITLE,
        "authors": [{"name": publisher()["name"]}],
        "language": settings.LANGUAGE_CODE,
        "items": [
            {
                "id": incident["url"],
                "url": incident["url"],
                "title": incident["title"],
                "summary": incident["summary"],
                "content_html": incident["content_html"],
                "date_published": incident["created_at"].isoformat(),
                "date_modified": incident["changed_at"].isoformat(),
                "tags": [incident["incident_type"], incident["dispute_status"]],
            }
            for incident in incidents
        ],
    }
    return JsonResponse(
        body, content_type="application/feed+json", json_dumps_params={"ensure_ascii": False}
    )
