"""Real Celery worker processes on the test database, and waiting for what they do."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import REPO


def wait_for(predicate: Callable[[], object], timeout: float = 60.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"not reached in {timeout:.0f} s: {what}")


def test_database_url() -> str:
    """The URL of the database pytest-django created for this run (test_<name>)."""
    parts = urlsplit(settings.DATABASE_URL)
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


test_database_url.__test__ = False  # type: ignore[attr-defined]


class WorkerProcess:
    """`celery worker` as its own OS process on the test database and a given broker."""

    def __init__(self, tmp_path: Path, broker_url: str, name: str) -> None:
        self.log = tmp_path / f"{name}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.system.worker_settings",
            "DATABASE_URL": test_database_url(),
            "REDIS_URL": broker_url,
            "COUNTERCLAIM_FETCH_ARTICLE_PAGES": "0",
            "PYTHONUNBUFFERED": "1",
        }
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "--pool=solo",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--loglevel=INFO",
                    f"--hostname={name}@reliability",
                ],
                cwd=REPO,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_for(lambda: "ready." in self.output() or self.process.poll() is not None, 60, "ready")
        assert self.process.poll() is None, self.output()

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no acknowledgement, as a crash or the OOM killer."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def start_worker(tmp_path) -> Iterator[Callable[..., WorkerProcess]]:  # type: ignore[no-untyped-def]
    """Starts worker processes on the suite's broker (or BROKER_URL given); stops them after."""
    started: list[WorkerProcess] = []

    def start(name: str = "w1", broker_url: str | None = None) -> WorkerProcess:
        worker = WorkerProcess(tmp_path, broker_url or settings.REDIS_URL, name)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
