"""What a Celery worker loads when it starts, before its pool forks: the language detector's
model and the localised-date data, so no fetch pays for them (checked in a fresh interpreter,
through the signal Celery sends)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import django
django.setup()
import tracker.tasks.ingest  # connects the worker_init receivers, as the worker's import does
from celery.signals import worker_init
from tracker.ingest import dates
from tracker.text import language
assert language._detector is None and dates._localised.cache_info().currsize == 0
worker_init.send(sender=None)
print(language._detector is not None, dates._localised.cache_info().currsize)
"""


def test_worker_start_loads_language_model_and_date_data():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True", "1"]
