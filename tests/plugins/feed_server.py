"""A real HTTP server on 127.0.0.1 serving ../shared/data the way feed hosts behave (and
misbehave): ETag / Last-Modified / 304, error statuses, a slow body, redirect chains, a redirect
to a private address, an oversized body, a wrong content type, gzip; and hostile ones: dripped
headers, slow redirect hops, permanent moves, Retry-After, Cache-Control, gzip without
Content-Encoding, HTTP Basic."""

import base64
import gzip
import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
FEEDS = DATA / "feeds"
TYPES = {
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".xml": "application/xml",
    ".json": "application/feed+json",
    ".opml": "text/x-opml",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
# One fixed Last-Modified for every file: the tests need a stable validator, not file times.
LAST_MODIFIED = formatdate(1_700_000_000, usegmt=True)


@dataclass
class FeedServer:
    host: str
    port: int
    # Every request as (path, headers), in order: lets tests prove a request never happened.
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    # When each request arrived (time.monotonic()), in the same order.
    arrivals: list[float] = field(default_factory=list)
    # Path → (body, content type): served instead of a file, for content that changes.
    overrides: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    # Called with each request's path before it is answered: what happens elsewhere while a
    # fetch waits for the server.
    on_request: Callable[[str], None] | None = None

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}/{path.lstrip('/')}"

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p == "/" + path.lstrip("/"))


def _handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # keep test output clean
            pass

        def _send(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            server.requests.append((path, {k.lower(): v for k, v in self.headers.items()}))
            server.arrivals.append(time.monotonic())
            if server.on_request is not None:
                server.on_request(path)
            if path.startswith("/status/"):
                code = int(path.rsplit("/", 1)[1])
                return self._send(code, f"status {code}".encode(), "text/plain")
            if path.startswith("/redirect/"):
                hops = int(path.rsplit("/", 1)[1])
                target = f"/redirect/{hops - 1}" if hops > 1 else "/data/feeds/rss2/guardian-us.rss"
                return self._send(302, b"", "text/plain", Location=target)
            if path == "/redirect-private":
                # 127.0.0.2 is loopback but outside the suite's allowed 127.0.0.1/32.
                location = f"http://127.0.0.2:{server.port}/data/feeds/rss2/guardian-us.rss"
                return self._send(302, b"", "text/plain", Location=location)
            if path == "/slow":
                return self._slow()
            if path == "/drip-headers":
                return self._drip_headers()
            if path.startswith("/slow-redirect/"):
                hops = int(path.rsplit("/", 1)[1])
                time.sleep(0.6)
                target = (
                    f"/slow-redirect/{hops - 1}" if hops > 1 else "/data/feeds/rss2/guardian-us.rss"
                )
                return self._send(302, b"", "text/plain", Location=target)
            if path.startswith("/moved/"):
                # /moved/301/data/feeds/... → 301 to /data/feeds/...; /moved/302/localhost/...
                # → the same server under another host name.
                code, target = path.removeprefix("/moved/").split("/", 1)
                if target.startswith("localhost/"):
                    location = f"http://localhost:{server.port}/{target.removeprefix('localhost/')}"
                else:
                    location = f"/{target}"
                return self._send(int(code), b"", "text/plain", Location=location)
            if path.startswith("/retry-after/"):
                code, seconds = path.removeprefix("/retry-after/").split("/")
                return self._send(int(code), b"busy", "text/plain", Retry_After=seconds)
            if path.startswith("/max-age/"):
                seconds, target = path.removeprefix("/max-age/").split("/", 1)
                body = (DATA / target.removeprefix("data/")).read_bytes()
                return self._send(
                    200, body, "application/rss+xml", Cache_Control=f"public, max-age={seconds}"
                )
            if path.startswith("/gzip-raw/"):
                body = gzip.compress((DATA / path.removeprefix("/gzip-raw/data/")).read_bytes())
                return self._send(200, body, "application/rss+xml")
            if path.startswith("/auth/"):
                expected = "Basic " + base64.b64encode(b"reader:s3cret pass").decode()
                if self.headers.get("Authorization") != expected:
                    return self._send(401, b"who are you?", "text/plain")
                body = (DATA / path.removeprefix("/auth/data/")).read_bytes()
                return self._send(200, body, "application/rss+xml")
            if path == "/huge":
                return self._huge(declare=False)
            if path == "/huge-declared":
                return self._huge(declare=True)
            if path == "/wrong-type":
                body = (DATA / "articles/newspaper4k/cnn_article.html").read_bytes()
                return self._send(200, body, "image/png")
            if path in server.overrides:
                body, content_type = server.overrides[path]
                return self._conditional(body, content_type)
            if path.startswith("/gzip/"):
                file = (DATA / path.removeprefix("/gzip/data/")).resolve()
                return self._send(
                    200,
                    gzip.compress(file.read_bytes()),
                    TYPES.get(file.suffix, "application/xml"),
                    Content_Encoding="gzip",
                )
            if path.startswith("/data/"):
                file = (DATA / path.removeprefix("/data/")).resolve()
                if file.is_file() and DATA.resolve() in file.parents:
                    return self._conditional(
                        file.read_bytes(), TYPES.get(file.suffix, "application/octet-stream")
                    )
            return self._send(404, b"not found", "text/plain")

        def _conditional(self, body: bytes, content_type: str) -> None:
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag or (
                not self.headers.get("If-None-Match")
                and self.headers.get("If-Modified-Since") == LAST_MODIFIED
            ):
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            return self._send(200, body, content_type, ETag=etag, Last_Modified=LAST_MODIFIED)

        def _slow(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                for _ in range(200):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass  # the client gave up, as it should

        def _drip_headers(self) -> None:
            """A status line, then one byte of a header every 0.3 s for 8 s: each read is
            well inside any per-read timeout, the whole far beyond a total one."""
            try:
                self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Drip: ")
                self.wfile.flush()
                for _ in range(27):
                    time.sleep(0.3)
                    self.wfile.write(b"a")
                    self.wfile.flush()
                self.wfile.write(b"\r\nContent-Length: 0\r\n\r\n")
            except OSError:
                pass

        def _huge(self, *, declare: bool) -> None:
            size = 3 * 1024 * 1024
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            if declare:
                self.send_header("Content-Length", str(size))
            else:
                self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            if declare:
                return
            chunk = b"x" * 65536
            try:
                for _ in range(size // len(chunk)):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")
            except OSError:
                pass

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # type: ignore[no-untyped-def]
        pass  # clients that hang up early (size cap, timeout) are the point of some tests


# Feeds of ../shared/data that pages advertise in the discovery tests (paths the server serves).
RSS = "data/feeds/rss2/guardian-us.rss"
ATOM = "data/feeds/atom/sam-ruby-intertwingly.atom"
JSON = "data/feeds/jsonfeed/inessential.json"


def outlet_page(head: str) -> bytes:
    """A minimal outlet homepage with HEAD in its <head>."""
    html = f"<!doctype html><html><head><title>Outlet</title>{head}</head><body>news</body></html>"
    return html.encode()


def outlet_homepage(server: FeedServer, *links: tuple[str, str, str]) -> str:
    """Serve /outlet/ advertising LINKS (type, href, title); its URL."""
    head = "".join(
        f'<link rel="alternate" type="{kind}" href="{href}" title="{title}">'
        for kind, href, title in links
    )
    # Not feeds: a stylesheet, an alternate language, a feed link without rel=alternate.
    head += '<link rel="stylesheet" href="/s.css"><link rel="alternate" hreflang="fr" href="/fr/">'
    head += '<link rel="canonical" type="application/rss+xml" href="/not-advertised.rss">'
    server.overrides["/outlet/"] = (outlet_page(head), "text/html; charset=utf-8")
    return server.url("outlet/")


@pytest.fixture(scope="session")
def feed_server() -> Iterator[FeedServer]:
    state = FeedServer("127.0.0.1", 0)
    httpd = _QuietServer(("127.0.0.1", 0), _handler(state))
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def server(feed_server: FeedServer) -> Iterator[FeedServer]:
    """The session's server with a fresh request log and no overrides."""
    feed_server.requests.clear()
    feed_server.arrivals.clear()
    feed_server.overrides.clear()
    yield feed_server
    feed_server.overrides.clear()
    feed_server.on_request = None


@pytest.fixture
def no_article_pages(settings):  # type: ignore[no-untyped-def]
    """Entry links point at the real outlets; tests that do not test page fetching skip them."""
    settings.COUNTERCLAIM_FETCH_ARTICLE_PAGES = False
    return settings
