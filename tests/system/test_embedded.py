"""The embedded servers: started once, attached to by every other process, and recovered after a
killed run left its pid and socket files behind. Real servers in a temporary data folder."""

import fcntl
import os
import signal
import subprocess
import sys
import time

import psutil
import psycopg
import pytest
import redis
from django.core.management import call_command

from config import embedded


@pytest.fixture
def root(tmp_path):
    yield tmp_path
    embedded.stop_embedded(tmp_path)


def test_valkey_started_once_then_attached(root):
    first = embedded.valkey_socket(root)
    pid = int((root / "valkey" / "valkey.pid").read_text())
    assert embedded.valkey_socket(root) == first
    assert int((root / "valkey" / "valkey.pid").read_text()) == pid
    assert redis.Redis(unix_socket_path=str(first)).ping() is True


def test_valkey_recovers_from_a_killed_run_and_keeps_queued_data(root):
    sock = embedded.valkey_socket(root)
    client = redis.Redis(unix_socket_path=str(sock))
    client.rpush("celery", "queued-task")
    time.sleep(1.2)  # appendfsync everysec
    os.kill(int((root / "valkey" / "valkey.pid").read_text()), signal.SIGKILL)
    time.sleep(0.3)
    assert sock.exists()  # the stale socket and pid file are left behind

    again = embedded.valkey_socket(root)

    assert redis.Redis(unix_socket_path=str(again)).lrange("celery", 0, -1) == [b"queued-task"]


def test_postgres_restarts_after_a_killed_run_and_keeps_rows(root):
    url = embedded.postgres_url(root)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE kept (v text)")
        conn.execute("INSERT INTO kept VALUES ('still here')")
    # As after a power cut: every server process gone, postmaster.pid left behind.
    postmaster = psutil.Process(int((root / "pgdata" / "postmaster.pid").read_text().split()[0]))
    doomed = [postmaster, *postmaster.children(recursive=True)]
    for process in doomed:
        process.kill()
    psutil.wait_procs(doomed, timeout=10)
    assert (root / "pgdata" / "postmaster.pid").exists()

    # A new process, as after a killed `make run` (this one caches the server it started).
    url = (
        subprocess.run(
            [
                sys.executable,
                "-c",
                f"from config import embedded; from pathlib import Path; "
                f"print(embedded.postgres_url(Path({str(root)!r})))",
            ],
            capture_output=True,
            text=True,
            check=True,
            cwd=embedded.BASE_DIR,
        )
        .stdout.strip()
        .splitlines()[-1]
    )

    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT v FROM kept").fetchall() == [("still here",)]


@pytest.mark.django_db
def test_second_run_while_one_runs_says_so_and_exits(settings, capsys):
    with (settings.DATA_DIR / "run.lock").open("a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.write("pid 4242, http://127.0.0.1:8000/")
        held.flush()
        call_command("runstack", port=8000)
    assert "Counterclaim is already running" in capsys.readouterr().out
