"""The whole contract, checked by schemathesis's command line against a live server: every
phase (schema examples, coverage of edge values, fuzzing, stateful sequences that create, read
and delete through the documented links), every check, once anonymously and once with an
editor's write token. Bounded in time (SCHEMATHESIS_SECONDS per run); the figures of a run
are in docs/api.md."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from tracker.demo.load import demo_load
from tracker.enums import TokenScope
from tracker.services.api_tokens import api_token_create

# Seconds for examples + coverage + fuzzing, then for the stateful phase, per run: the stateful
# phase gets its own budget so the earlier phases cannot spend it.
SECONDS = int(os.environ.get("SCHEMATHESIS_SECONDS", "45"))
STATEFUL_SECONDS = int(os.environ.get("SCHEMATHESIS_STATEFUL_SECONDS", "20"))
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "15"))
# In the stateful phase schemathesis fills parameters that no link supplies without their
# declared format (`updated_since=true`, NUL bytes in text), then counts the 400 as a valid
# request refused; the other phases hold positive_data_acceptance, and every other check runs
# here too.
STATEFUL_EXCLUDED = ["--exclude-checks", "positive_data_acceptance"]
CLI = Path(sys.executable).with_name("schemathesis")
CONFIG = Path(__file__).with_name("schemathesis.toml")


def _run(url: str, report: Path, phases: str, seconds: int, extra: list[str]) -> dict:  # type: ignore[type-arg]
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
        phases,
        "--checks",
        "all",
        "--max-examples",
        str(EXAMPLES),
        "--max-time",
        str(seconds),
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
        *extra,
    ]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=seconds * 3 + 120,
        check=False,
        cwd=report.parent,
    )
    summary = done.stdout[-12000:]
    print(summary)  # the figures, for docs/api.md
    assert report.exists(), done.stderr[-3000:] + summary
    return {"exit": done.returncode, "out": summary, "report": json.loads(report.read_text())}


@pytest.mark.slow
def test_schemathesis_finds_no_server_error_nor_violation(
    live_server, transactional_db, roles, settings, tmp_path, django_user_model
):

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "token": None, "user": None},
    }
    demo_load()
    editor = django_user_model.objects.create_user("fuzz", password="pw-fuzz-12345")
    editor.groups.add(Group.objects.get(name="Editor"))
    _, key = api_token_create(user=editor, name="fuzz", scope=TokenScope.WRITE, created_by=editor)
    # Revoking the token the run writes with would turn the rest of it into 401s.
    write = ["-H", f"Authorization: Token {key}", "--exclude-operation-id", "tokens_destroy"]
    runs = {}
    for label, extra in (("anonymous", []), ("write token", write)):
        name = label.replace(" ", "-")
        runs[label] = _run(
            live_server.url, tmp_path / f"{name}.json", "examples,coverage,fuzzing", SECONDS, extra
        )
        runs[f"{label}, stateful"] = _run(
            live_server.url,
            tmp_path / f"{name}-stateful.json",
            "stateful",
            STATEFUL_SECONDS,
            [*extra, *STATEFUL_EXCLUDED],
        )
    for label, run in runs.items():
        assert run["exit"] == 0, f"{label}:\n{run['out']}"
        assert "Authentication failed" not in run["out"] or label.startswith("anonymous")
    for label in ("anonymous, stateful", "write token, stateful"):  # it did run in its budget
        assert re.search(r"Scenarios:\s+[1-9]", runs[label]["out"]), runs[label]["out"]
