"""Django set-up for a benchmark: its own data folder and its own database, so a run never
touches the app's data and can be repeated."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_with_database(name: str, *, data_dir: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("COUNTERCLAIM_DATA_DIR", str(ROOT / "var" / data_dir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DEBUG"] = "0"
    embedded_database = not os.environ.get("DATABASE_URL")
    from config.bootstrap import ensure_services

    ensure_services()
    if embedded_database:
        import psycopg

        url = os.environ["DATABASE_URL"]
        with psycopg.connect(url, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = url.replace("/postgres?", f"/{name}?", 1)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
