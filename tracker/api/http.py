"""Cross-origin rules and `Vary` for the API and the feeds (the paths in MACHINE_PREFIXES).

Reads are for everyone, so any origin may read: `Access-Control-Allow-Origin: *`, with the
headers consumers need exposed (a browser hides all others from scripts). `*` also means the
browser never sends cookies cross-origin, so a page elsewhere cannot read with a visitor's
session; a token in `Authorization` is allowed, as it is the caller's own. Writes are accepted
cross-origin only from COUNTERCLAIM_CORS_WRITE_ORIGINS (and from the site itself): a preflight
from elsewhere is refused, and so is a write that skipped the preflight (a form post).

`Vary` names what an API body depends on besides the URL: the credentials (an editor's
token or session sees drafts) and the negotiated format; compression adds Accept-Encoding."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from tracker.api.errors import MACHINE_PREFIXES
from tracker.web.problems import problem_response

EXPOSED = "ETag, Last-Modified, Retry-After, X-Sync-Watermark"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ALLOWED_HEADERS = "Authorization, Content-Type, If-None-Match, If-Modified-Since"
PREFLIGHT_MAX_AGE = "3600"


def _own_origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def write_origin_allowed(request: HttpRequest, origin: str) -> bool:
    return origin == _own_origin(request) or origin in settings.COUNTERCLAIM_CORS_WRITE_ORIGINS


class CrossOriginMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(MACHINE_PREFIXES):
            return self.get_response(request)
        origin = request.headers.get("Origin")
        if origin is None:
            return self._vary(request, self.get_response(request))
        asked = request.headers.get("Access-Control-Request-Method", "").upper()
        if request.method == "OPTIONS" and asked:
            return self._preflight(request, origin, asked)
        if request.method not in READ_METHODS and not write_origin_allowed(request, origin):
            return self._refused(origin)
        response = self._vary(request, self.get_response(request))
        self._allow(request, response, origin)
        return response

    def _allow(self, request: HttpRequest, response: HttpResponse, origin: str) -> None:
        if request.method in READ_METHODS and not write_origin_allowed(request, origin):
            response["Access-Control-Allow-Origin"] = "*"
        else:
            response["Access-Control-Allow-Origin"] = origin
            patch_vary_headers(response, ["Origin"])
        response["Access-Control-Expose-Headers"] = EXPOSED

    def _preflight(self, request: HttpRequest, origin: str, asked: str) -> HttpResponse:
        writes = write_origin_allowed(request, origin)
        if asked not in READ_METHODS and not writes:
            return self._refused(origin)
        response = HttpResponse(status=204)
        response["Access-Control-Allow-Origin"] = origin if writes else "*"
        response["Access-Control-Allow-Methods"] = (
            "GET, HEAD, OPTIONS, POST, PATCH, DELETE" if writes else "GET, HEAD, OPTIONS"
        )
        response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
        patch_vary_headers(response, ["Origin"])
        return response

    def _refused(self, origin: str) -> HttpResponse:
        return problem_response(
            403, f"Writes are not accepted from {origin}: only reads are open to every origin."
        )

    def _vary(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if request.path.startswith("/api/"):
            patch_vary_headers(response, ["Accept", "Authorization", "Cookie"])
        return response
