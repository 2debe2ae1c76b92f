import secrets
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import connection, connections
from psycopg import sql
from rest_framework.test import APIClient

from tracker.enums import TokenScope
from tracker.services.api_tokens import api_token_create


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Throttle counters live in Redis, which outlives a test's transaction."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def write_key(editor) -> str:
    _, key = api_token_create(user=editor, name="desk", scope=TokenScope.WRITE, created_by=editor)
    return key


@pytest.fixture
def read_key(editor) -> str:
    _, key = api_token_create(user=editor, name="dash", scope=TokenScope.READ, created_by=editor)
    return key


@pytest.fixture
def editor_api(write_key) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {write_key}")
    return client


APP_ROLE = "counterclaim_app"
# What a deployment grants the role the app connects as (docs/api.md, "The database role"):
# plain table rights, no superuser, no pg_monitor or pg_read_all_stats.
APP_ROLE_GRANTS = """
GRANT USAGE ON SCHEMA public TO {role};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};
"""


@pytest.fixture
def app_role(transactional_db):
    """Every connection Django opens during the test (test client, live server threads, writer
    threads) logs in as a NOSUPERUSER role with the grants above; the suite's own superuser
    comes back afterwards, before the tables are emptied."""
    password = secrets.token_urlsafe(16)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE])
        verb = "ALTER" if cursor.fetchone() else "CREATE"
        cursor.execute(
            sql.SQL(
                "{} ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD {}"
            ).format(sql.SQL(verb), sql.Identifier(APP_ROLE), sql.Literal(password))
        )
        cursor.execute(APP_ROLE_GRANTS.format(role=APP_ROLE))
    settings_dict = connection.settings_dict
    saved = settings_dict["USER"], settings_dict["PASSWORD"]
    connections.close_all()
    settings_dict["USER"], settings_dict["PASSWORD"] = APP_ROLE, password
    try:
        yield SimpleNamespace(name=APP_ROLE, admin_user=saved[0], admin_password=saved[1])
    finally:
        connections.close_all()
        settings_dict["USER"], settings_dict["PASSWORD"] = saved
