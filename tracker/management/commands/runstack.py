"""`make run`: the whole app in one terminal — web (gunicorn), Celery worker and Celery beat —
with their logs prefixed, all stopped together by Ctrl-C."""

from __future__ import annotations

import fcntl
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from config import embedded
from config.env import env_bool

COLOURS = {"web": "\033[36m", "worker": "\033[35m", "beat": "\033[33m"}
RESET = "\033[0m"


def _pump(name: str, stream: IO[bytes], lock: threading.Lock) -> None:
    colour = COLOURS.get(name, "") if sys.stdout.isatty() else ""
    end = RESET if colour else ""
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", "replace").rstrip()
        with lock:
            print(f"{colour}{name:<6}|{end} {line}", flush=True)


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def stack_commands(*, port: int, workers: int, data: Path) -> dict[str, list[str]]:
    """The processes of the deployed app: web (gunicorn, 2 workers of 4 threads), Celery worker
    (WORKERS processes) and beat. Shared with bench/load.py, which measures exactly these."""
    python = sys.executable
    return {
        "web": [
            python,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--access-logfile",
            "-",
            "--error-logfile",
            "-",
        ],
        "worker": [
            python,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--loglevel",
            "info",
            "--concurrency",
            str(workers),
        ],
        "beat": [
            python,
            "-m",
            "celery",
            "-A",
            "config",
            "beat",
            "--loglevel",
            "info",
            "--schedule",
            str(data / "celerybeat-schedule"),
        ],
    }


class Command(BaseCommand):
    help = "Run web, worker and beat together on the configured (or embedded) servers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=2, help="Celery worker concurrency")

    def handle(self, *args: object, port: int, workers: int, **options: object) -> None:
        data = Path(settings.DATA_DIR)
        lock_file = (data / "run.lock").open("a+")
        try:
            # The kernel drops this lock when its holder dies: a killed run never blocks the next.
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock_file.seek(0)
            holder = lock_file.read().strip() or "another process"
            self.stdout.write(
                f"Counterclaim is already running from {data} ({holder}). "
                "Use that one, or stop it with Ctrl-C in its terminal."
            )
            return
        lock_file.seek(0)
        lock_file.truncate()
        lock_file.write(f"pid {os.getpid()}, http://127.0.0.1:{port}/")
        lock_file.flush()
        if not _port_free(port):
            raise CommandError(f"Port {port} on 127.0.0.1 is taken. Set PORT to a free one.")

        self._report_servers(data)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_demo", no_feeds=not env_bool("COUNTERCLAIM_DEMO_FEEDS", default=True))
        call_command("demo_users")
        self._supervise(port, workers, data)

    def _report_servers(self, data: Path) -> None:
        db = (
            "embedded PostgreSQL in " + str(data / "pgdata")
            if settings.EMBEDDED_DATABASE
            else "DATABASE_URL"
        )
        broker = (
            "embedded Valkey in " + str(data / "valkey")
            if settings.EMBEDDED_BROKER
            else "REDIS_URL"
        )
        self.stdout.write(f"Database: {db}\nBroker:   {broker}")

    def _supervise(self, port: int, workers: int, data: Path) -> None:
        commands = stack_commands(port=port, workers=workers, data=data)
        env = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "DJANGO_SETTINGS_MODULE": os.environ.get(
                "DJANGO_SETTINGS_MODULE", "config.settings.local"
            ),
        }
        lock = threading.Lock()
        children: dict[str, subprocess.Popen[bytes]] = {}
        stopping = threading.Event()

        def stop(*_: object) -> None:
            stopping.set()

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        for name, argv in commands.items():
            child = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed argv
                argv,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
            children[name] = child
            threading.Thread(target=_pump, args=(name, child.stdout, lock), daemon=True).start()

        url = f"http://127.0.0.1:{port}/"
        if self._wait_healthy(url, children, stopping):
            with lock:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"\nCounterclaim is up: {url}incidents/\n"
                        f"  Log in as editor, journalist or viewer (password as printed above, or "
                        f"COUNTERCLAIM_DEMO_PASSWORD). Admin: {url}admin/ (editor).\n"
                        "  Ctrl-C stops everything.\n"
                    )
                )
        while not stopping.is_set():
            dead = [name for name, child in children.items() if child.poll() is not None]
            if dead:
                self.stderr.write(f"{', '.join(dead)} stopped unexpectedly; stopping the rest.")
                break
            stopping.wait(0.5)
        self._shutdown(children, data)

    def _wait_healthy(
        self, url: str, children: dict[str, subprocess.Popen[bytes]], stopping: threading.Event
    ) -> bool:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not stopping.is_set():
            if children["web"].poll() is not None:
                return False
            try:
                with urllib.request.urlopen(url + "healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return True
            except OSError:
                pass
            time.sleep(0.3)
        return False

    def _shutdown(self, children: dict[str, subprocess.Popen[bytes]], data: Path) -> None:
        self.stdout.write("Stopping web, worker and beat…")
        for child in children.values():
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
        if settings.EMBEDDED_DATABASE or settings.EMBEDDED_BROKER:
            stopped = embedded.stop_embedded(
                data, postgres=settings.EMBEDDED_DATABASE, valkey=settings.EMBEDDED_BROKER
            )
            self.stdout.write(
                f"Stopped embedded {', '.join(stopped) or 'servers'}; data kept in {data}."
            )
