"""The OpenAPI schema, its offline docs pages, and every endpoint fuzzed against it."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import (
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application


def test_schema_and_docs_served_offline(client, db):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/incidents/" in schema.content
    for page in ("/api/docs/", "/api/redoc/"):
        html = client.get(page).content.decode()
        assert "/static/drf_spectacular_sidecar/" in html
        assert "cdn.jsdelivr.net" not in html


@pytest.fixture
def keep_test_connection():
    """Schemathesis calls the WSGI app directly; its request signals would close the test's
    connection (and its transaction) as Django's own test client takes care not to."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_api_reads_conform_to_schema(demo, settings, keep_test_connection):
    """Every GET operation, with generated parameters (bounded examples): no 5xx, every status
    documented, every body valid against its schema."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "token": None, "user": None},
    }
    api_schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    tested = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() != "GET":
            continue

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=6, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def conforms(case):
            case.call_and_validate(
                checks=[not_a_server_error, response_schema_conformance, status_code_conformance],
                excluded_checks=[negative_data_rejection],
            )

        conforms()
        tested.append(operation.path)
    assert "/api/v1/incidents/" in tested
    assert len(tested) >= 15
