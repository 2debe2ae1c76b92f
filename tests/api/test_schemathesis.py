"""The whole contract, checked by schemathesis's command line against a live server: every
phase (schema examples, coverage of edge values, fuzzing, stateful sequences that create, read
and delete through the documented links), every check, once anonymously and once with an
editor's write token. Bounded in time (SCHEMATHESIS_SECONDS per run); the figures of a run
are in docs/api.md."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from tracker.enums import TokenScope
from tracker.services.api_tokens import api_token_create

SECONDS = int(os.environ.get("SCHEMATHESIS_SECONDS", "60"))
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))
CLI = Path(sys.executable).with_name("schemathesis")
CONFIG = Path(__file__).with_name("schemathesis.toml")


def _run(url: str, report: Path, headers: list[str]) -> dict:  # type: ignore[type-arg]
    """One CLI run; it works in REPORT's folder (it keeps a cache in its working directory)."""
    command = [
        str(CLI),
        "--config-file",
        str(CONFIG),
        "run",
        f"{url}/api/schema/",
        "--url",
        url,
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--checks",
        "all",
        "--max-examples",
        str(EXAMPLES),
        "--max-time",
        str(SECONDS),
        "--seed",
        "1",
        "--workers",
        "1",
        "--continue-on-failure",
        "--suppress-health-check",
        "all",
        "--request-timeout",
        "30",
        "--report",
        "json",
        "--report-json-path",
        str(report),
        *headers,
    ]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=SECONDS * 3 + 120,
        check=False,
        cwd=report.parent,
    )
    summary = done.stdout[-6000:]
    print(summary)  # the figures, for docs/api.md
    assert report.exists(), done.stderr[-3000:] + summary
    return {"exit": done.returncode, "out": summary, "report": json.loads(report.read_text())}


@pytest.mark.slow
def test_schemathesis_finds_no_server_error_nor_violation(
    live_server, transactional_db, roles, settings, tmp_path, django_user_model
):
    from tracker.demo.load import demo_load

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "token": None, "user": None},
    }
    demo_load()
    editor = django_user_model.objects.create_user("fuzz", password="pw-fuzz-12345")
    editor.groups.add(Group.objects.get(name="Editor"))
    _, key = api_token_create(user=editor, name="fuzz", scope=TokenScope.WRITE, created_by=editor)
    runs = {
        "anonymous": _run(live_server.url, tmp_path / "anonymous.json", []),
        "write token": _run(
            live_server.url, tmp_path / "write.json", ["-H", f"Authorization: Token {key}"]
        ),
    }
    for label, run in runs.items():
        assert run["exit"] == 0, f"{label}:\n{run['out']}"
