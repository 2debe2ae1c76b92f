"""Security middleware: a Content-Security-Policy on every response, and login throttling.

CSP: the project's templates carry no inline script or style, so the policy allows only this
origin. The two API documentation pages (Swagger UI, ReDoc) render drf-spectacular's templates,
which hold one inline script and one inline style; those two views get the same policy plus the
SHA-256 hashes of exactly the inline blocks of that response (never 'unsafe-inline'). The blocks
are drf-spectacular's template filled with settings, the schema URL and the CSRF token, never
request input, so hashing them whitelists nothing an attacker can choose.

Login throttling: every failed login for a username counts in the cache; from FAILED_LOGIN_LIMIT
failures on, further attempts for that account are refused (HTTP 429, the login page saying why)
until FAILED_LOGIN_WINDOW has passed since the last failure. A successful login clears the count.
If the cache is unreachable the throttle fails open: logging in keeps working without the broker.
"""

import base64
import hashlib
import logging
import re
from collections.abc import Callable
from typing import Any

from django.contrib.auth import user_logged_in, user_login_failed
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.response import SimpleTemplateResponse
from django.urls import Resolver404, resolve, reverse

logger = logging.getLogger(__name__)

BASE_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Views whose third-party templates hold inline blocks: allowed by hash, per response.
HASHED_VIEWS = frozenset({"api-docs", "api-redoc"})
_INLINE = {
    "script-src": re.compile(rb"<script>(.*?)</script>", re.DOTALL),
    "style-src": re.compile(rb"<style>(.*?)</style>", re.DOTALL),
}

FAILED_LOGIN_LIMIT = 20
FAILED_LOGIN_WINDOW = 15 * 60  # seconds
_CACHE_ERRORS: tuple[type[Exception], ...] = (ConnectionError, OSError)
try:  # the cache backend is Redis; its client's errors are not OSErrors
    import redis

    _CACHE_ERRORS = (*_CACHE_ERRORS, redis.RedisError)
except ImportError:  # pragma: no cover - redis is a runtime dependency
    pass


def _sha256_source(block: bytes) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(block).digest()).decode() + "'"


def content_security_policy(body: bytes | None = None) -> str:
    """The policy; with BODY, also the hashes of BODY's inline script and style blocks."""
    policy = {name: list(values) for name, values in BASE_POLICY.items()}
    if body is not None:
        for directive, pattern in _INLINE.items():
            policy[directive] += sorted({_sha256_source(m) for m in pattern.findall(body)})
    return "; ".join(f"{name} {' '.join(values)}" for name, values in policy.items())


def _url_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return ""
    return match.url_name or ""


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" in response:
            return response
        hashed = _url_name(request) in HASHED_VIEWS and not response.streaming
        if hashed and isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
            response.render()
        response["Content-Security-Policy"] = content_security_policy(
            response.content if hashed else None
        )
        return response


def _throttle_key(username: str) -> str:
    digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()[:32]
    return f"login-failures:{digest}"


def login_failures(username: str) -> int:
    try:
        return int(cache.get(_throttle_key(username)) or 0)
    except _CACHE_ERRORS:
        logger.warning("login throttle: cache unreachable, not counting")
        return 0


@receiver(user_login_failed, dispatch_uid="config.security.count_failure")
def _count_failure(sender: object, credentials: dict[str, Any], **kwargs: object) -> None:
    username = credentials.get("username") or ""
    if not username:
        return
    key = _throttle_key(username)
    try:
        cache.add(key, 0, FAILED_LOGIN_WINDOW)
        cache.incr(key)
        cache.touch(key, FAILED_LOGIN_WINDOW)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, FAILED_LOGIN_WINDOW)
    except _CACHE_ERRORS:
        logger.warning("login throttle: cache unreachable, failure not counted")


@receiver(user_logged_in, dispatch_uid="config.security.clear_failures")
def _clear_failures(
    sender: object, request: HttpRequest, user: AbstractBaseUser, **kwargs: object
) -> None:
    try:
        cache.delete(_throttle_key(user.get_username()))
    except _CACHE_ERRORS:
        logger.warning("login throttle: cache unreachable, count not cleared")


class LoginThrottleMiddleware:
    """Refuses a login POST for an account with too many recent failures, before the password
    is checked (so the refusal says nothing about whether this attempt's password was right)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path_info == reverse("login"):
            username = request.POST.get("username", "")
            if username and login_failures(username) >= FAILED_LOGIN_LIMIT:
                response = render(
                    request,
                    "registration/login.html",
                    {
                        "form": AuthenticationForm(request, initial={"username": username}),
                        "next": request.POST.get("next", ""),
                        "throttled_minutes": FAILED_LOGIN_WINDOW // 60,
                    },
                    status=429,
                )
                response["Retry-After"] = str(FAILED_LOGIN_WINDOW)
                return response
        return self.get_response(request)
