"""ETag and Last-Modified on every GET, and 304 Not Modified when the client's copy is current.

The ETag is a hash of the rendered body, so it is exact for any representation (a page, an
object, a tombstone) at the price of rendering before answering 304: the saving is the
consumer's bandwidth and parsing. Last-Modified comes from the view (`last_modified()`)."""

import hashlib
from datetime import datetime
from typing import Any

from django.http import HttpResponseBase
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from rest_framework.request import Request

# Headers a 304 must repeat (RFC 9110 §15.4.5) or that sync consumers read from it.
KEPT_ON_304 = ("Cache-Control", "Vary", "X-Sync-Watermark")


class ConditionalGetMixin:
    def last_modified(self, request: Request) -> datetime | None:
        return None

    def finalize_response(
        self, request: Request, response: Any, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
        response["ETag"] = etag
        modified = self.last_modified(request)
        if modified is not None:
            response["Last-Modified"] = http_date(modified.timestamp())
        conditional = get_conditional_response(
            request._request,
            etag=etag,
            last_modified=int(modified.timestamp()) if modified is not None else None,
            response=response,
        )
        if conditional is response:
            return response
        for header in KEPT_ON_304:
            if header in response:
                conditional[header] = response[header]
        return conditional
