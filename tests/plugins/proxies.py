"""Proxies on 127.0.0.1 for the per-feed proxy setting: an HTTP forward proxy and a SOCKS5
server (RFC 1928, with RFC 1929 username/password), each recording what it was asked."""

import select
import socket
import socketserver
import struct
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.error import HTTPError


@dataclass
class ProxyLog:
    port: int = 0
    # HTTP: (absolute URL, headers); SOCKS: ("host:port", {"username": ...}).
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)


_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _http_handler(log: ProxyLog) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            log.requests.append((self.path, headers))
            forwarded = {
                k: v for k, v in headers.items() if k not in {"proxy-authorization", "host"}
            }
            try:
                with _DIRECT.open(urllib.request.Request(self.path, headers=forwarded)) as reply:
                    status, body, kind = reply.status, reply.read(), reply.headers["content-type"]
            except HTTPError as exc:
                status, body, kind = exc.code, exc.read(), "text/plain"
            self.send_response(status)
            self.send_header("Content-Type", kind or "application/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def _recv(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError("client went away")
        data += chunk
    return data


def _socks_handler(log: ProxyLog) -> type[socketserver.BaseRequestHandler]:
    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            client: socket.socket = self.request
            _, count = _recv(client, 2)
            methods = _recv(client, count)
            user = ""
            if 2 in methods:  # username / password
                client.sendall(b"\x05\x02")
                _, ulen = _recv(client, 2)
                user = _recv(client, ulen).decode()
                (plen,) = _recv(client, 1)
                _recv(client, plen)
                client.sendall(b"\x01\x00")
            else:
                client.sendall(b"\x05\x00")
            _, _, _, kind = _recv(client, 4)
            if kind == 1:
                host = socket.inet_ntoa(_recv(client, 4))
            elif kind == 4:
                host = socket.inet_ntop(socket.AF_INET6, _recv(client, 16))
            else:
                host = _recv(client, _recv(client, 1)[0]).decode()
            (port,) = struct.unpack("!H", _recv(client, 2))
            log.requests.append((f"{host}:{port}", {"username": user}))
            upstream = socket.create_connection((host, port), timeout=5)
            client.sendall(b"\x05\x00\x00\x01" + socket.inet_aton("127.0.0.1") + b"\x00\x00")
            sockets = [client, upstream]
            while True:
                ready, _, _ = select.select(sockets, [], [], 5)
                if not ready:
                    break
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        upstream.close()
                        return
                    (upstream if sock is client else client).sendall(data)

    return Handler


class _ThreadingTCP(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):  # type: ignore[no-untyped-def]
        pass


@contextmanager
def running(kind: str) -> Iterator[ProxyLog]:
    """An "http" or "socks5" proxy on 127.0.0.1 for the duration of the block."""
    log = ProxyLog()
    if kind == "http":
        server: socketserver.TCPServer = ThreadingHTTPServer(("127.0.0.1", 0), _http_handler(log))
        server.daemon_threads = True  # type: ignore[attr-defined]
    else:
        server = _ThreadingTCP(("127.0.0.1", 0), _socks_handler(log))
    log.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield log
    finally:
        server.shutdown()
        server.server_close()
