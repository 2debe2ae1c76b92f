"""The one way anything in the project fetches a URL: feeds, article pages, re-checks.

Timeouts (connect, per read, and a wall-clock total), a streamed size cap (a larger body is never
held), at most a few redirects each checked against the address policy, a clear User-Agent,
gzip/deflate, and conditional GET."""

import re
import time
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import urlencode, urljoin, urlsplit

import urllib3
from django.conf import settings
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from tracker.ingest.netpolicy import BlockedAddressError, check_host, guarded_connection
from tracker.ingest.transport import FetchOptions, proxy_manager

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^[^>]{0,200}?encoding=["']([A-Za-z0-9._:-]+)["']""")


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
    def __init__(self, status: int, url: str) -> None:
        self.status = status
        super().__init__(f"HTTP {status} from {url}")


# Errors a retry can cure (the network or the far server), as opposed to a refused address, a
# too-large body or a 404. Tasks retry these and nothing else.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (FetchTimeoutError, FetchConnectionError)


class _GuardedHTTPConnection(HTTPConnection):
    def _new_conn(self):  # type: ignore[no-untyped-def]
        try:
            # socket_options carries urllib3's TCP_NODELAY default.
            return guarded_connection(self._dns_host, self.port, self.timeout, self.socket_options)
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


def _pool_manager() -> urllib3.PoolManager:
    manager = urllib3.PoolManager(num_pools=20, maxsize=4, retries=False)
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

    def text(self) -> str:
        """The body decoded by the header's charset, else the document's own, else UTF-8."""
        head = self.body[:4096]
        for candidate in (
            self.header_charset,
            *(m.group(1).decode("ascii") for m in (_XML_ENCODING.search(head),) if m),
            *(m.group(1).decode("ascii") for m in (_META_CHARSET.search(head),) if m),
        ):
            try:
                return self.body.decode(candidate)
            except (LookupError, UnicodeDecodeError):
                continue
        return self.body.decode("utf-8", errors="replace")


def _limit(name: str) -> float:
    return float(getattr(settings, name))


def fetch(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    accept: str = "*/*",
    max_bytes: int | None = None,
    options: FetchOptions | None = None,
    form: dict[str, str] | None = None,
) -> FetchResult:
    """GET URL safely (POST FORM, url-encoded, when given; a POST follows no redirect). Raises
    FetchError (or BlockedAddressError) with a readable message; a 304 is a result
    (`not_modified`), every other non-2xx status an HTTPStatusError. OPTIONS: the feed's
    User-Agent, extra headers and proxy (tracker.ingest.transport)."""
    max_bytes = max_bytes or int(_limit("COUNTERCLAIM_FETCH_MAX_BYTES"))
    total = _limit("COUNTERCLAIM_FETCH_TOTAL_TIMEOUT")
    timeout = urllib3.Timeout(
        connect=_limit("COUNTERCLAIM_FETCH_CONNECT_TIMEOUT"),
        read=min(_limit("COUNTERCLAIM_FETCH_READ_TIMEOUT"), total),
    )
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
        proxy_manager(options.proxy, _GuardedHTTPPool, _GuardedHTTPSPool)
        if options.proxy
        else _MANAGER
    )
    body = urlencode(form).encode() if form is not None else None
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    started = time.monotonic()
    deadline = started + total
    redirects: list[str] = []
    current = url
    while True:
        _check_url(current)
        response = _request(current, headers, timeout, manager, body)
        if response.status in REDIRECT_CODES and body is None:
            location = response.headers.get("location", "")
            response.close()  # never reuse a connection whose body was not read
            if not location:
                raise FetchError(f"HTTP {response.status} from {current} without a Location")
            if len(redirects) >= int(_limit("COUNTERCLAIM_FETCH_MAX_REDIRECTS")):
                raise TooManyRedirectsError(f"more than {len(redirects)} redirects from {url}")
            redirects.append(current)
            current = urljoin(current, location)
            continue
        break
    result_headers = {k.lower(): v for k, v in response.headers.items()}
    if response.status == 304:
        # A 304 has no body: the connection is whole and goes back to the pool for the next
        # fetch (a scheduler tick of 304s then costs no TCP handshakes).
        response.drain_conn()
        response.release_conn()
        return FetchResult(
            current, 304, result_headers, redirects=redirects, duration_ms=_ms(started)
        )
    if not 200 <= response.status < 300:
        response.close()
        raise HTTPStatusError(response.status, current)
    body = _read_capped(response, max_bytes, deadline, current)
    return FetchResult(current, response.status, result_headers, body, redirects, _ms(started))


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        raise FetchError(f"only http and https can be fetched, not {parts.scheme or 'no'} scheme")
    if not parts.hostname:
        raise FetchError(f"URL has no host: {url}")
    check_host(parts.hostname)


def _request(  # type: ignore[no-untyped-def]
    url: str,
    headers: dict[str, str],
    timeout: urllib3.Timeout,
    manager: urllib3.PoolManager = _MANAGER,
    body: bytes | None = None,
):
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
        raise FetchTimeoutError(f"timed out fetching {url}") from exc
    except urllib3.exceptions.HTTPError as exc:
        inner = exc.reason if isinstance(exc, urllib3.exceptions.MaxRetryError) else exc
        if isinstance(inner, BlockedAddressError | FetchError):
            raise inner from exc
        raise FetchConnectionError(f"cannot fetch {url}: {inner}") from exc


def _read_capped(response, max_bytes: int, deadline: float, url: str) -> bytes:  # type: ignore[no-untyped-def]
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
                raise FetchTimeoutError(f"{url} took longer than the total time limit")
            chunk = response.read1(65536)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise TooLargeError(f"{url} sent more than the {max_bytes}-byte cap")
            chunks.append(chunk)
        complete = True
    except (urllib3.exceptions.ReadTimeoutError, TimeoutError) as exc:
        raise FetchTimeoutError(f"reading {url} timed out") from exc
    except urllib3.exceptions.HTTPError as exc:
        raise FetchError(f"reading {url} failed: {exc}") from exc
    finally:
        # An abandoned body leaves the connection mid-stream: close it rather than reuse it.
        response.release_conn() if complete else response.close()
    return b"".join(chunks)


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
