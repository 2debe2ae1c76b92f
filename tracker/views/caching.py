"""The middleware half of HTTP caching (tracker.web.caching): a revalidation of a public answer
answered with its 304 before the rest of the stack, and the Vary a compressed answer's 304 needs."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers

from tracker.web.caching import revalidate


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
                answer, mark = revalidate(request, freshness, match.kwargs)
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
