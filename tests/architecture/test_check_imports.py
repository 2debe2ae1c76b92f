"""tools/check_imports.py, the import rules `make lint` adds to import-linter's contracts, run as
`make lint` runs it: on this tree, and on a small package that breaks both rules."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "tools" / "check_imports.py"


def _check(package: str, path: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(path or REPO)}
    return subprocess.run(
        [sys.executable, str(SCRIPT), package],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


def test_tracker_has_no_cycle_and_pure_packages_no_database():
    done = _check("tracker")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No import cycle between the modules of tracker." in done.stdout


def test_a_cycle_and_a_database_import_are_printed_with_their_lines(tmp_path):
    package = tmp_path / "brokenapp"
    (package / "ingest").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "ingest" / "__init__.py").write_text("")
    (package / "ingest" / "rows.py").write_text("from django.db import connection\n")
    (package / "first.py").write_text("from brokenapp import second\n")
    (package / "second.py").write_text("\n\nfrom brokenapp.first import *\n")
    done = _check("brokenapp", tmp_path)
    assert done.returncode == 1
    assert "Import cycle between 2 modules of brokenapp:" in done.stdout
    assert "brokenapp.second -> brokenapp.first (l.3: from brokenapp.first import *)" in done.stdout
    assert (
        "imports django.db (queries go in selectors/services): "
        "brokenapp.ingest.rows:1: from django.db import connection"
    ) in done.stdout
