"""Rate limits: per token, per logged-in user, per anonymous IP, for the API and the feeds alike.

Each budget is one counter in Redis, incremented atomically by a Lua script (INCR, and EXPIRE
when the window starts). DRF's stock throttle reads a list of timestamps, decides in Python and
writes the list back, so parallel requests all read the same list and all pass: 1,300 parallel
requests went through a 1,200/minute limit. One INCR cannot be raced; every process and thread
shares the same count. Windows are fixed (a burst of twice the limit across a window edge is
possible); the Retry-After is the seconds left in the window.

If Redis is unreachable the limits fail open (logged): reads keep working without the broker."""

import functools
import logging
from dataclasses import dataclass
from typing import Any, cast

import redis
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from tracker.models import ApiToken
from tracker.web.problems import problem_response

logger = logging.getLogger(__name__)

# KEYS[1] the counter, ARGV[1] the window in seconds. Returns {count, seconds left}.
_HIT = """
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('TTL', KEYS[1])
if ttl < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
"""


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    retry_after: int  # seconds until the window ends


@functools.lru_cache(maxsize=8)
def _hit_script(pool: redis.ConnectionPool) -> Any:
    """_HIT on a client of POOL, made once per pool (a client built per request cost a third of
    what counting the request did). It runs by its digest (EVALSHA), loaded again after a
    Redis restart."""
    return redis.Redis(connection_pool=pool).register_script(_HIT)


def rate_hit(*, scope: str, ident: str | int, rate: str) -> RateDecision:
    """Count one request against SCOPE's budget for IDENT (RATE like "1200/minute")."""
    # Given a rate (not None), parse_rate returns both numbers.
    parsed = SimpleRateThrottle.parse_rate(None, rate)  # type: ignore[arg-type]
    limit, window = cast(tuple[int, int], parsed)
    key = cache.make_key(f"rate:{scope}:{ident}")
    try:
        pool = cache._cache._get_connection_pool(write=True)  # type: ignore[attr-defined]
        count, ttl = _hit_script(pool)(keys=[key], args=[window])
    except (ConnectionError, OSError, redis.RedisError) as exc:
        logger.warning("rate limit %s: Redis unreachable, not counting (%s)", scope, exc)
        return RateDecision(True, 0)
    return RateDecision(int(count) <= limit, max(int(ttl), 1))


def caller_budget(
    request: HttpRequest, token: ApiToken | None, *, use_session: bool = True
) -> tuple[str, str | int]:
    """Whose budget a request spends: the token's, the logged-in user's, or the client IP's.
    USE_SESSION False leaves the session unread (reading it makes the answer vary by Cookie)."""
    if token is not None:
        return "token", token.pk
    user = getattr(request, "user", None) if use_session else None
    if user is not None and user.is_authenticated:
        return "user", user.pk
    return "anon", BaseThrottle().get_ident(Request(request))


def _rate(scope: str) -> str | None:
    """Read at request time, so settings overrides (tests, reloads) take effect."""
    rate = api_settings.DEFAULT_THROTTLE_RATES.get(scope)
    return None if rate is None else str(rate)


class CallerThrottle(BaseThrottle):
    """The one API throttle: each request spends its caller's budget (caller_budget)."""

    def allow_request(self, request: Request, view: Any) -> bool:
        token = request.auth if isinstance(request.auth, ApiToken) else None
        scope, ident = caller_budget(request._request, token)
        rate = _rate(scope)
        if rate is None:
            return True
        self.decision = rate_hit(scope=scope, ident=ident, rate=rate)
        return self.decision.allowed

    def wait(self) -> float | None:
        return self.decision.retry_after


class FeedRateLimitMiddleware:
    """The feeds and exports (the `feeds` URL namespace) spend the same budgets as the API: a
    CSV of every claim costs more than a page of JSON, so it must not be a way around them.
    A token given to a feed is checked like the API checks it. Checked once the URL is resolved
    (process_view), so no request resolves its path twice."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is not None and match.namespace == "feeds":
            return self._refused(request)
        return None

    def _refused(self, request: HttpRequest) -> HttpResponse | None:
        # Imported here: it imports rest_framework.views, whose settings import this module.
        from tracker.api.authentication import ApiTokenAuthentication  # noqa: PLC0415 - see above

        try:
            found = ApiTokenAuthentication().authenticate(Request(request))
        except AuthenticationFailed as exc:
            return problem_response(401, str(exc.detail))
        # A feed is the same for everyone: only a browser that holds a session spends its
        # user's budget, so an anonymous answer stays one shared copy (no Vary: Cookie).
        has_session = settings.SESSION_COOKIE_NAME in request.COOKIES
        scope, ident = caller_budget(request, found[1] if found else None, use_session=has_session)
        rate = _rate(scope)
        if rate is None:
            return None
        decision = rate_hit(scope=scope, ident=ident, rate=rate)
        if decision.allowed:
            return None
        response = problem_response(
            429, f"Rate limit spent; retry in {decision.retry_after} seconds."
        )
        response["Retry-After"] = str(decision.retry_after)
        return response
