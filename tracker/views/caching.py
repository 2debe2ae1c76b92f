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
from django.middleware.gzip import GZipMiddleware
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
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


def _revalidate(
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
    RevalidationMiddleware answers it before the rest of the middleware runs."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            answer, mark = _revalidate(request, freshness, kwargs)
            if answer is None:
                answer = view(request, *args, **kwargs)
            mark(answer)
            return answer

        wrapped.freshness = freshness  # type: ignore[attr-defined]
        return wrapped

    return decorator


class RevalidationMiddleware:
    """Answers a revalidation (If-None-Match / If-Modified-Since) of a `cached_publicly` view
    with its 304 right after static files, skipping sessions, CSRF, auth, messages, history and
    CSP, none of which a 304 of a public answer needs. This is the request a CDN sends for a
    page going viral, so it should cost about what a static file does (docs/benchmarks.md).

    The 304 repeats the Vary of the full answer (LocaleMiddleware's Accept-Language), as
    RFC 9110 asks; anything else falls through to the normal stack."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method in ("GET", "HEAD") and (
            "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META
        ):
            request.get_host()  # the host check CommonMiddleware would make (400 if not allowed)
            try:
                match = resolve(request.path_info)
            except Resolver404:
                return self.get_response(request)
            freshness = getattr(match.func, "freshness", None)
            if freshness is not None:
                answer, mark = _revalidate(request, freshness, match.kwargs)
                if answer is not None and answer.status_code == 304:
                    mark(answer)
                    patch_vary_headers(answer, ("Accept-Language",))
                    return answer
        return self.get_response(request)


class CompressionMiddleware(GZipMiddleware):
    """Django's gzip (with its BREACH mitigation), plus `Vary: Accept-Encoding` on a 304: the
    200 it stands for was compressed by request, and a shared cache needs the same Vary on both
    (Django leaves bodiless answers alone)."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> Any:
        if response.status_code == 304:
            patch_vary_headers(response, ("Accept-Encoding",))
            return response
        return super().process_response(request, response)
