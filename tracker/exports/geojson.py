"""GeoJSON (RFC 7946) FeatureCollection of published incidents that have a point, streamed.
Coordinates are [longitude, latitude]; the API's filters apply, `bbox` included. Each
feature's `url` is the incident's public page."""

from collections.abc import Iterator

import orjson
from django.db.models import F
from django.http import HttpRequest, HttpResponseBase, StreamingHttpResponse
from django.urls import reverse
from rest_framework.exceptions import ValidationError

from tracker.exports.common import published_matching, published_outputs_freshness
from tracker.selectors.incidents import incidents_with_dispute_status
from tracker.web.caching import cached_publicly
from tracker.web.problems import bad_request

PROPERTIES = ("title", "incident_type", "occurred_start", "occurred_end", "place", "state")


def _features(rows: Iterator[dict], page_url: tuple[str, str]) -> Iterator[bytes]:
    yield b'{"type":"FeatureCollection","features":['
    first = True
    for row in rows:
        feature = {
            "type": "Feature",
            "id": row["id"],
            "geometry": {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]},
            "properties": {
                **{name: row[name] for name in PROPERTIES},
                "dispute_status": row["dispute_status"],
                "conflict": row["conflict_slug"],
                "changed_at": row["changed_at"],
                "url": f"{page_url[0]}/{row['id']}/{page_url[1]}",
            },
        }
        yield (b"" if first else b",") + orjson.dumps(feature, option=orjson.OPT_UTC_Z)
        first = False
    yield b"]}"


@cached_publicly(published_outputs_freshness)
def incidents_geojson(request: HttpRequest) -> HttpResponseBase:
    try:
        matching = published_matching(request.GET)
    except ValidationError as exc:
        return bad_request(exc)
    rows = (
        incidents_with_dispute_status(matching.filter(latitude__isnull=False))
        .annotate(conflict_slug=F("conflict__slug"), changed_at=F("change__changed_at"))
        .order_by("-change__changed_at", "-id")
        .values(
            "id",
            "latitude",
            "longitude",
            "dispute_status",
            "conflict_slug",
            "changed_at",
            *PROPERTIES,
        )
        .iterator(chunk_size=2000)
    )
    # The page address around the id, split once instead of reversing per row.
    head, tail = request.build_absolute_uri(reverse("tracker:public-incident", args=[0])).rsplit(
        "/0/", 1
    )
    return StreamingHttpResponse(_features(rows, (head, tail)), content_type="application/geo+json")
