"""Start-up of every process, before Django reads its settings: the data folder, and the embedded
PostgreSQL and Valkey where DATABASE_URL / REDIS_URL are unset.

Settings only read the environment; this is the one place that starts servers. It is called by
the entry points (manage.py, config.wsgi, the Celery app, the test suite's pytest plugin) and
writes what it decided into os.environ, so that settings, and every child process, read the same
answer: DATABASE_URL and REDIS_URL, and COUNTERCLAIM_EMBEDDED naming the servers it started (or
attached to), which `make run` stops at the end.
"""

from __future__ import annotations

import os

from config import embedded
from config.env import env_list, env_str

# What COUNTERCLAIM_EMBEDDED may name; settings read it as EMBEDDED_DATABASE / EMBEDDED_BROKER.
EMBEDDED_POSTGRES = "postgres"
EMBEDDED_VALKEY = "valkey"


def ensure_services() -> None:
    """Give this process (and its children) a data folder, a database and a broker.

    A URL already in the environment is used as it is, so calling this again, or in a child of a
    process that called it, starts nothing; the first process of a data folder starts the embedded
    servers and the others attach (config.embedded).
    """
    data = embedded.data_dir()
    os.environ["COUNTERCLAIM_DATA_DIR"] = str(data)
    (data / "static").mkdir(exist_ok=True)  # WhiteNoise warns on a missing STATIC_ROOT
    started = set(env_list("COUNTERCLAIM_EMBEDDED"))
    if not env_str("DATABASE_URL"):
        os.environ["DATABASE_URL"] = embedded.postgres_url(data)
        started.add(EMBEDDED_POSTGRES)
    if not env_str("REDIS_URL"):
        os.environ["REDIS_URL"] = f"unix://{embedded.valkey_socket(data)}?db=0"
        started.add(EMBEDDED_VALKEY)
    os.environ["COUNTERCLAIM_EMBEDDED"] = ",".join(sorted(started))
