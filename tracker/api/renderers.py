"""JSON through orjson: the list endpoints spend most of their time serialising."""

from datetime import UTC, datetime
from typing import Any

from rest_framework.renderers import JSONRenderer

from tracker.web.problems import orjson_bytes


def iso_z(moment: datetime) -> str:
    """An instant as in the bodies: UTC, ISO 8601, `Z` (for headers such as X-Sync-Watermark)."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


class OrjsonRenderer(JSONRenderer):
    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        if data is None:
            return b""
        return orjson_bytes(data)
