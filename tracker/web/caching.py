"""HTTP caching for what anyone may read (public pages, feeds, exports, the public API): a
Cache-Control that lets shared caches (a CDN, a reverse proxy) keep the answer, and ETag /
Last-Modified answered with 304 before the view does any work.

Browsers keep a copy MAX_AGE seconds and shared caches S_MAXAGE; after that each revalidates
with If-None-Match, which costs one indexed query here, or none while the validator is
remembered (tracker.selectors.freshness). Publishing, retracting or approving a revision
rewrites the incident's change stamp, so the next revalidation gets the new version: nothing
stays stale longer than MAX_AGE + S_MAXAGE + STALE_WHILE_REVALIDATE (docs/api.md)."""

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag

from tracker.selectors.freshness import Freshness

MAX_AGE = 30
S_MAXAGE = 60
# A shared cache may serve a stale copy this long while it revalidates in the background, so a
# story going viral never waits on the origin.
STALE_WHILE_REVALIDATE = 30
# Statuses a shared cache may store: the page, and the retraction notice that replaces it.
CACHEABLE = (200, 410)


def mark_public(response: HttpResponseBase) -> None:
    """Cache-Control for an answer that is the same for every reader."""
    patch_cache_control(
        response,
        public=True,
        max_age=MAX_AGE,
        s_maxage=S_MAXAGE,
        stale_while_revalidate=STALE_WHILE_REVALIDATE,
    )


def mark_private(response: HttpResponseBase) -> None:
    """Cache-Control for an answer that depends on who asked: a browser may keep it, shared
    caches may not, and everyone revalidates before using it."""
    patch_cache_control(response, private=True, no_cache=True)


def _validators(response: HttpResponseBase, etag: str, freshness: Freshness) -> None:
    response["ETag"] = etag
    if freshness.last_modified is not None:
        response["Last-Modified"] = http_date(freshness.last_modified.timestamp())


def revalidate(
    request: HttpRequest, freshness: Callable[..., Freshness | None], kwargs: dict[str, Any]
) -> tuple[HttpResponseBase | None, Callable[[HttpResponseBase], None]]:
    """The 304 (or 412) this request gets, if any, and what marks a full answer as cacheable."""
    current = freshness(**kwargs) if request.method in ("GET", "HEAD") else None
    if current is None:
        return None, lambda answer: None
    # Per URL: the same data filtered two ways must not share a tag. Weak (W/): it vouches for
    # the data, not the bytes (an empty feed's <updated> is the time of asking).
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:12]
    etag = "W/" + quote_etag(f"{current.tag}-{path}")
    modified = current.last_modified
    answer = get_conditional_response(
        request,
        etag=etag,
        last_modified=int(modified.timestamp()) if modified is not None else None,
    )

    def mark(response: HttpResponseBase) -> None:
        if response.status_code in CACHEABLE or response.status_code == 304:
            _validators(response, etag, current)
            mark_public(response)

    return answer, mark


def cached_publicly(
    freshness: Callable[..., Freshness | None],
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Decorate a GET view whose answer depends only on its URL and the data FRESHNESS (called
    with the view's URL keyword arguments) fingerprints. A 304 skips the view entirely, and
    RevalidationMiddleware (tracker.views.caching) answers it before the rest of the middleware
    runs."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            answer, mark = revalidate(request, freshness, kwargs)
            if answer is None:
                answer = view(request, *args, **kwargs)
            mark(answer)
            return answer

        wrapped.freshness = freshness  # type: ignore[attr-defined]
        return wrapped

    return decorator
