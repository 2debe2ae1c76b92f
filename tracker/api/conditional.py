"""ETag and Last-Modified on every GET, and 304 Not Modified when the client's copy is current.

The ETag is a hash of the rendered body, so it is exact for any representation (a page, an
object, a tombstone) at the price of rendering before answering 304: the saving is the
consumer's bandwidth and parsing. Last-Modified comes from the view (`last_modified()`).

Cache-Control: an anonymous read is the same for everyone, so shared caches (a CDN) may keep it
(tracker.views.caching.mark_public); a read with a token or a session may differ by role
(editors see other states), so it is private, and `Vary: Authorization` keeps a shared cache from
serving an anonymous copy to a token holder."""

import hashlib
from datetime import datetime
from typing import Any, cast

from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, quote_etag
from rest_framework.request import Request
from rest_framework.response import Response

from tracker.web.caching import mark_private, mark_public

# Headers a 304 must repeat (RFC 9110 §15.4.5) or that sync consumers read from it.
KEPT_ON_304 = ("Cache-Control", "Vary", "X-Sync-Watermark")


class ConditionalGetMixin:
    def last_modified(self, request: Request) -> datetime | None:
        return None

    def finalize_response(
        self, request: Request, response: Any, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if request.auth is None and not request.user.is_authenticated:
            mark_public(response)
        else:
            mark_private(response)
        patch_vary_headers(response, ["Authorization"])
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
        if conditional is None or conditional is response:
            return response
        for header in KEPT_ON_304:
            if header in response:
                conditional[header] = response[header]
        return cast(Response, conditional)  # Django's 304: DRF passes any HttpResponse on
