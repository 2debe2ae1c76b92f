"""JSON through orjson: the list endpoints spend most of their time serialising."""

from typing import Any

import orjson
from rest_framework.renderers import JSONRenderer


class OrjsonRenderer(JSONRenderer):
    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        if data is None:
            return b""
        return orjson.dumps(data, default=_plain, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_UTC_Z)


def _plain(value: Any) -> Any:
    """What orjson leaves to us: DRF's ErrorDetail (a str subclass), lazy translations,
    Decimals. All are meant as their text."""
    return str(value)
