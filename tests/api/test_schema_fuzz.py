"""Row 15: schemathesis against /api/schema/, every operation (reads and writes, as a write
token), a few hundred examples in all: no server error, no schema violation."""

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
from tracker.enums import TokenScope
from tracker.services.api_tokens import api_token_create

EXAMPLES_PER_OPERATION = 12


@pytest.fixture
def keep_test_connection():  # type: ignore[no-untyped-def]
    """Schemathesis calls the WSGI app directly; its request signals would close the test's
    connection (and its transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.slow
@pytest.mark.django_db
def test_every_operation_no_server_error_no_schema_violation(
    demo, editor, settings, keep_test_connection, fresh_cache
):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "token": None, "user": None},
    }
    _, key = api_token_create(user=editor, name="fuzz", scope=TokenScope.WRITE, created_by=editor)
    api_schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    examples = 0
    methods: set[str] = set()
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def conforms(case):  # type: ignore[no-untyped-def]
            nonlocal examples
            examples += 1
            case.call_and_validate(
                # The WSGI client asks for gzip but hands schemathesis the raw bytes.
                headers={"Authorization": f"Token {key}", "Accept-Encoding": "identity"},
                checks=[not_a_server_error, response_schema_conformance, status_code_conformance],
                excluded_checks=[negative_data_rejection],
            )

        conforms()
        methods.add(operation.method.upper())
    assert {"GET", "POST", "PATCH", "DELETE"} <= methods
    assert examples >= 200
