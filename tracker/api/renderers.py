"""JSON through orjson: the list endpoints spend most of their time serialising."""

from datetime import UTC, datetime
from typing import Any

import orjson
from rest_framework.renderers import JSONRenderer


def iso_z(moment: datetime) -> str:
    """An instant as in the bodies: UTC, ISO 8601, `Z` (for headers such as X-Sync-Watermark)."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def orjson_bytes(data: Any) -> bytes:
    """Times in UTC with `Z`, as everywhere in the API."""
    return orjson.dumps(data, default=_plain, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_UTC_Z)


class OrjsonRenderer(JSONRenderer):
    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        if data is None:
            return b""
        return orjson_bytes(data)


def _plain(value: Any) -> Any:
    """What orjson leaves to us: DRF's ErrorDetail (a str subclass), lazy translations,
    Decimals. All are meant as their text."""
    return str(value)
