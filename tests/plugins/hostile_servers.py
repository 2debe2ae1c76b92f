"""Loopback servers of the fault table: a hostile HTTP server whose routes a test sets, and a
listener that only counts connections; the network policies and cache the fault tests set."""

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache


@dataclass
class Route:
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 200
    # Seconds between single bytes of the body (a server that drips).
    drip: float = 0.0


@dataclass
class HostileServer:
    port: int = 0
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}/{path.lstrip('/')}"


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # type: ignore[no-untyped-def]
        pass  # clients cut off by a cap or a timeout are the point


def _hostile_handler(state: HostileServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            state.requests.append(path)
            route = state.routes.get(path) or Route(b"not found", status=404)
            self.send_response(route.status)
            headers = {"Content-Type": "application/rss+xml", **route.headers}
            headers.setdefault("Content-Length", str(len(route.body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            try:
                if not route.drip:
                    self.wfile.write(route.body)
                    return
                for i in range(len(route.body)):
                    self.wfile.write(route.body[i : i + 1])
                    self.wfile.flush()
                    time.sleep(route.drip)
            except OSError:
                pass

    return Handler


@pytest.fixture(scope="session")
def _hostile_session() -> Iterator[HostileServer]:
    state = HostileServer()
    httpd = _Server(("127.0.0.1", 0), _hostile_handler(state))
    state.port = httpd.server_address[1]
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield state
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def hostile(_hostile_session: HostileServer) -> HostileServer:
    _hostile_session.routes.clear()
    _hostile_session.requests.clear()
    return _hostile_session


@dataclass
class Listener:
    """A TCP listener that only counts who connected: proof that a refused fetch never did."""

    port: int
    accepted: list[str] = field(default_factory=list)


def _listen(family: int, host: str, port: int, state: Listener) -> socket.socket:
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    sock.bind((host, port))
    sock.listen(16)
    sock.settimeout(0.2)

    def accept() -> None:
        while sock.fileno() != -1:
            try:
                conn, peer = sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            state.accepted.append(peer[0])
            conn.close()

    threading.Thread(target=accept, daemon=True).start()
    return sock


@pytest.fixture
def listener() -> Iterator[Listener]:
    """Listens on 127.0.0.1 and, where the machine has IPv6, on ::1, on the same port."""
    v4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    v4.bind(("127.0.0.1", 0))
    port = v4.getsockname()[1]
    v4.close()
    state = Listener(port)
    socks = [_listen(socket.AF_INET, "127.0.0.1", port, state)]
    # Without IPv6 loopback here the v4 listener still counts the mapped forms.
    with contextlib.suppress(OSError):
        socks.append(_listen(socket.AF_INET6, "::1", port, state))
    yield state
    for sock in socks:
        sock.close()


@pytest.fixture
def no_allowed_networks(settings):  # type: ignore[no-untyped-def]
    """The production policy: not even the suite's own loopback servers are allowed."""
    settings.COUNTERCLAIM_FETCH_ALLOW_NETWORKS = []
    return settings


@pytest.fixture
def fresh_cache() -> Iterator[None]:
    """Throttle counters live in the cache, which outlives a test's transaction."""
    cache.clear()
    yield
    cache.clear()
