"""The one way anything in the project fetches a URL: feeds, article pages, re-checks.

Timeouts (connect, per read, and one deadline over the whole fetch: every redirect hop, the
headers and the body), a streamed size cap (a larger body is never held), at most a few
redirects each checked against the address policy, credentials in the URL sent as HTTP Basic
(never echoed), a clear User-Agent, gzip/deflate, and conditional GET."""

import base64
import contextvars
import re
import socket
import ssl
import time
from dataclasses import dataclass, field
from email.message import Message
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import unquote, urlencode, urljoin, urlsplit, urlunsplit

import urllib3
from django.conf import settings
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util.ssl_ import create_urllib3_context

from tracker.ingest.charset import document_encoding
from tracker.ingest.netpolicy import BlockedAddressError, check_host, guarded_connection
from tracker.ingest.transport import FetchOptions, proxy_manager

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*(\d{1,10})", re.IGNORECASE)


class FetchError(Exception):
    """A fetch that produced no usable response; the message is what the operator sees."""


class FetchConnectionError(FetchError):
    pass


class TooLargeError(FetchError):
    pass


class TooManyRedirectsError(FetchError):
    pass


class FetchTimeoutError(FetchError):
    pass


class HTTPStatusError(FetchError):
    def __init__(self, status: int, url: str, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.headers = headers or {}
        reason = {410: " Gone: the publisher removed this address"}.get(status, "")
        super().__init__(f"HTTP {status}{reason} from {url}")

    @property
    def retry_after(self) -> float | None:
        """Seconds the server asked us to wait (429, 503), if it said."""
        return retry_after_seconds(self.headers.get("retry-after", ""))


# Errors a retry can cure (the network or the far server), as opposed to a refused address, a
# too-large body or a 404. Tasks retry these and nothing else.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (FetchTimeoutError, FetchConnectionError)


# When the fetch running in this thread (or task) must be over, as time.monotonic().
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("deadline", default=None)


class _DeadlineReads:
    """A socket whose every read waits at most until the fetch's deadline. The per-read timeout
    alone lets a server that drips a byte of headers now and then hold a fetch for ever."""

    def recv_into(self, *args: Any, **kwargs: Any) -> int:
        deadline = _DEADLINE.get()
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the fetch's total time limit passed")
            current = self.gettimeout()  # type: ignore[attr-defined]
            if current is None or current > remaining:
                self.settimeout(remaining)  # type: ignore[attr-defined]
        return super().recv_into(*args, **kwargs)  # type: ignore[misc]


class _DeadlineSocket(_DeadlineReads, socket.socket):
    pass


class _DeadlineSSLSocket(_DeadlineReads, ssl.SSLSocket):
    pass


class _GuardedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        try:
            # socket_options carries urllib3's TCP_NODELAY default.
            return guarded_connection(
                self._dns_host,
                self.port,
                self.timeout,
                self.socket_options,
                socket_class=_DeadlineSocket,
            )
        except TimeoutError as exc:
            raise FetchTimeoutError(f"connecting to {self.host} timed out") from exc
        except OSError as exc:
            raise FetchConnectionError(f"cannot connect to {self.host}: {exc}") from exc


class _GuardedHTTPSConnection(_GuardedHTTPConnection, HTTPSConnection):
    pass


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


def _ssl_context() -> ssl.SSLContext:
    """urllib3's default verifying context, whose sockets also keep the deadline."""
    context = create_urllib3_context()
    context.load_default_certs()
    context.sslsocket_class = _DeadlineSSLSocket
    return context


_SSL_CONTEXT = _ssl_context()


def _pool_manager() -> urllib3.PoolManager:
    """Kept-alive connections for the process's fetches. MAXSIZE per host: a thread pool
    (`celery -P threads`, the benchmark) fetches many feeds of one host at once, and a
    connection beyond it is thrown away after one request, so the next fetch (a 304 most
    often) pays a new handshake."""
    manager = urllib3.PoolManager(num_pools=20, maxsize=16, retries=False, ssl_context=_SSL_CONTEXT)
    manager.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}
    return manager


_MANAGER = _pool_manager()


@dataclass
class FetchResult:
    url: str  # after redirects
    status: int
    headers: dict[str, str]
    body: bytes = b""
    redirects: list[str] = field(default_factory=list)
    duration_ms: int = 0
    # Where the URL asked for now lives, when every hop to it was permanent (301, 308).
    moved_to: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    @property
    def header_charset(self) -> str:
        message = Message()
        message["content-type"] = self.headers.get("content-type", "")
        return (message.get_param("charset") or "").strip().lower()  # type: ignore[union-attr]

    @property
    def poll_hint(self) -> float | None:
        """Seconds the server says the body stays fresh (Cache-Control max-age, Retry-After)."""
        hints = [retry_after_seconds(self.headers.get("retry-after", ""))]
        match = _MAX_AGE.search(self.headers.get("cache-control", ""))
        if match and "no-cache" not in self.headers.get("cache-control", ""):
            hints.append(float(match.group(1)))
        return max((h for h in hints if h is not None), default=None)

    def text(self) -> str:
        """The body decoded in the encoding it is really in (tracker.ingest.charset): the
        header's or the document's own declaration when the bytes bear it out, else detected."""
        return self.body.decode(document_encoding(self.body, self.header_charset), "replace")


def _limit(name: str) -> float:
    return float(getattr(settings, name))


def split_credentials(url: str) -> tuple[str, str]:
    """(URL without user:password, "user:password" or ""). The credentials travel as HTTP
    Basic; the URL without them is the one stored, logged and shown."""
    parts = urlsplit(url.strip())
    if "@" not in parts.netloc:
        return url.strip(), ""
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    clean = urlunsplit((parts.scheme, hostport, parts.path, parts.query, parts.fragment))
    return clean, f"{unquote(user)}:{unquote(password)}"


def retry_after_seconds(raw: str) -> float | None:
    """A Retry-After header (seconds, or an HTTP date) as seconds from now; None if absent."""
    raw = raw.strip()
    if raw.isdigit():
        return float(raw)
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - time.time())


def fetch(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    accept: str = "*/*",
    max_bytes: int | None = None,
    credentials: str = "",
    options: FetchOptions | None = None,
    form: dict[str, str] | None = None,
) -> FetchResult:
    """GET URL safely (POST FORM, url-encoded, when given; a POST follows no redirect). Raises
    FetchError (or BlockedAddressError) with a readable message; a 304 is a result
    (`not_modified`), every other non-2xx status an HTTPStatusError.

    One deadline (COUNTERCLAIM_FETCH_TOTAL_TIMEOUT) covers every connect, every redirect hop,
    the headers and the body, through a proxy too. CREDENTIALS ("user:password", or those in
    the URL) are sent as HTTP Basic to the URL's own host only, never to a host a redirect
    leads to. OPTIONS: the feed's User-Agent, extra headers and proxy
    (tracker.ingest.transport)."""
    url, in_url = split_credentials(url)
    credentials = credentials or in_url
    max_bytes = max_bytes or int(_limit("COUNTERCLAIM_FETCH_MAX_BYTES"))
    total = _limit("COUNTERCLAIM_FETCH_TOTAL_TIMEOUT")
    headers = {
        "User-Agent": settings.COUNTERCLAIM_FETCH_USER_AGENT,
        "Accept": accept,
        "Accept-Encoding": "gzip, deflate",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    options = options or FetchOptions()
    headers = options.apply(headers)
    manager = (
        proxy_manager(options.proxy, _GuardedHTTPPool, _GuardedHTTPSPool, _SSL_CONTEXT)
        if options.proxy
        else _MANAGER
    )
    body = urlencode(form).encode() if form is not None else None
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    started = time.monotonic()
    deadline = started + total
    token = _DEADLINE.set(deadline)
    try:
        return _fetch(url, headers, credentials, max_bytes, started, deadline, manager, body)
    finally:
        _DEADLINE.reset(token)


def _fetch(
    url: str,
    headers: dict[str, str],
    credentials: str,
    max_bytes: int,
    started: float,
    deadline: float,
    manager: urllib3.PoolManager,
    body: bytes | None,
) -> FetchResult:
    origin = urlsplit(url).netloc.lower()
    redirects: list[str] = []
    moved_to = ""
    permanent = True
    current = url
    while True:
        _check_url(current)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchTimeoutError(f"{url} took longer than the total time limit")
        timeout = urllib3.Timeout(
            connect=min(_limit("COUNTERCLAIM_FETCH_CONNECT_TIMEOUT"), remaining),
            read=min(_limit("COUNTERCLAIM_FETCH_READ_TIMEOUT"), remaining),
        )
        hop_headers = dict(headers)
        if credentials and urlsplit(current).netloc.lower() == origin:
            token = base64.b64encode(credentials.encode()).decode("ascii")
            hop_headers["Authorization"] = f"Basic {token}"
        response = _request(current, hop_headers, timeout, manager, body)
        if response.status in REDIRECT_CODES and body is None:
            location = response.headers.get("location", "")
            response.close()  # never reuse a connection whose body was not read
            if not location:
                raise FetchError(f"HTTP {response.status} from {current} without a Location")
            if len(redirects) >= int(_limit("COUNTERCLAIM_FETCH_MAX_REDIRECTS")):
                raise TooManyRedirectsError(f"more than {len(redirects)} redirects from {url}")
            redirects.append(current)
            current = split_credentials(urljoin(current, location))[0]
            permanent = permanent and response.status in {301, 308}
            moved_to = current if permanent else moved_to
            continue
        break
    result_headers = {k.lower(): v for k, v in response.headers.items()}
    if response.status == 304 and not ({"If-None-Match", "If-Modified-Since"} & set(headers)):
        # Nothing was asked to be compared: "not modified" since what? Taken as unchanged it
        # would hide a broken server (or cache) forever behind a healthy feed.
        response.close()
        raise FetchError(
            f"HTTP 304 Not Modified from {current} to a request that sent no validator "
            "(no ETag or Last-Modified was stored): nothing to read"
        )
    if response.status == 304:
        # A 304 has no body: the connection is whole and goes back to the pool for the next
        # fetch (a scheduler tick of 304s then costs no TCP handshakes).
        response.drain_conn()
        response.release_conn()
        return FetchResult(
            current,
            304,
            result_headers,
            redirects=redirects,
            duration_ms=_ms(started),
            moved_to=moved_to,
        )
    if not 200 <= response.status < 300:
        response.close()
        raise HTTPStatusError(response.status, current, result_headers)
    body = _read_capped(response, max_bytes, deadline, current)
    return FetchResult(
        current, response.status, result_headers, body, redirects, _ms(started), moved_to
    )


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        raise FetchError(f"only http and https can be fetched, not {parts.scheme or 'no'} scheme")
    if not parts.hostname:
        raise FetchError(f"URL has no host: {url}")
    check_host(parts.hostname)


def _request(
    url: str,
    headers: dict[str, str],
    timeout: urllib3.Timeout,
    manager: urllib3.PoolManager = _MANAGER,
    body: bytes | None = None,
) -> urllib3.BaseHTTPResponse:
    try:
        return manager.request(
            "GET" if body is None else "POST",
            url,
            body=body,
            headers=headers,
            timeout=timeout,
            redirect=False,
            preload_content=False,
            decode_content=True,
        )
    except (BlockedAddressError, FetchError):
        raise
    except (urllib3.exceptions.TimeoutError, TimeoutError) as exc:
        raise _timeout(url, "fetching") from exc
    except urllib3.exceptions.HTTPError as exc:
        inner = exc.reason if isinstance(exc, urllib3.exceptions.MaxRetryError) else exc
        if isinstance(inner, BlockedAddressError | FetchError):
            raise inner from exc
        raise FetchConnectionError(f"cannot fetch {url}: {inner}") from exc


def _read_capped(
    response: urllib3.BaseHTTPResponse, max_bytes: int, deadline: float, url: str
) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        response.close()
        raise TooLargeError(f"{url} declares {int(declared)} bytes, over the {max_bytes} cap")
    chunks: list[bytes] = []
    size = 0
    complete = False
    try:
        while True:
            if time.monotonic() > deadline:
                raise _timeout(url, "reading")
            chunk = response.read1(65536)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise TooLargeError(f"{url} sent more than the {max_bytes}-byte cap")
            chunks.append(chunk)
        complete = True
    except (urllib3.exceptions.ReadTimeoutError, TimeoutError) as exc:
        raise _timeout(url, "reading") from exc
    except urllib3.exceptions.HTTPError as exc:
        raise FetchError(f"reading {url} failed: {exc}") from exc
    finally:
        # An abandoned body leaves the connection mid-stream: close it rather than reuse it.
        response.release_conn() if complete else response.close()
    return b"".join(chunks)


def _timeout(url: str, doing: str) -> FetchTimeoutError:
    """Which limit ran out: the fetch's total, or one connect or read."""
    deadline = _DEADLINE.get()
    if deadline is not None and time.monotonic() >= deadline - 0.01:
        return FetchTimeoutError(f"{url} took longer than the total time limit")
    return FetchTimeoutError(f"timed out {doing} {url}")


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
