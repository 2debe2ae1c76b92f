"""The OpenAPI schema, its offline docs pages, and every endpoint fuzzed against it."""

import jsonschema
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

# The WSGI client asks for gzip but hands schemathesis the raw bytes.
IDENTITY = {"Accept-Encoding": "identity"}


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
                headers=IDENTITY,
                checks=[not_a_server_error, response_schema_conformance, status_code_conformance],
                excluded_checks=[negative_data_rejection],
            )

        conforms()
        tested.append(operation.path)
    assert "/api/v1/incidents/" in tested
    assert len(tested) >= 15


@pytest.fixture
def openapi(client, db) -> dict:
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def _nullable_as_json_schema(node):  # type: ignore[no-untyped-def]
    """OpenAPI 3.0's `nullable` in JSON Schema terms, so jsonschema can check the examples."""
    if isinstance(node, dict):
        node = {key: _nullable_as_json_schema(value) for key, value in node.items()}
        if node.pop("nullable", False):
            return {"anyOf": [node, {"type": "null"}]}
        return node
    if isinstance(node, list):
        return [_nullable_as_json_schema(item) for item in node]
    return node


def test_openapi_declares_public_reads_headers_and_problems(openapi):
    incidents = openapi["paths"]["/api/v1/incidents/"]
    assert incidents["get"]["security"][0] == {}
    assert {} not in incidents["post"]["security"]
    assert {} not in openapi["paths"]["/api/v1/tokens/"]["get"]["security"]
    listed = incidents["get"]["responses"]
    assert {"ETag", "X-Sync-Watermark"} <= set(listed["200"]["headers"])
    assert "X-Sync-Watermark" in listed["304"]["headers"]
    assert "Retry-After" in listed["429"]["headers"]
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            for code in ("400", "401", "403", "404", "429"):
                content = operation["responses"][code]["content"]
                assert list(content) == ["application/problem+json"], (path, method, code)
            if method != "get":
                assert "409" in operation["responses"], (path, method)
            if method == "get" and "{id}" not in path:
                assert operation["security"][0] == {} or path.startswith(
                    ("/api/v1/tokens/", "/api/v1/webhooks/", "/api/v1/feeds/", "/api/v1/revisions/")
                ), path


def test_openapi_example_per_resource_is_valid(openapi):
    schemas = openapi["components"]["schemas"]
    root = _nullable_as_json_schema({"components": openapi["components"]})
    with_examples = {name for name, schema in schemas.items() if "example" in schema}
    assert {
        "Incident",
        "Tombstone",
        "FlatStatement",
        "FlatClaim",
        "FlatCounterclaim",
        "CitationRead",
        "Source",
        "Outlet",
        "Party",
        "Conflict",
        "ApiToken",
        "Webhook",
        "Problem",
    } <= with_examples
    for name in with_examples:
        validator = jsonschema.Draft7Validator({**root, "$ref": f"#/components/schemas/{name}"})
        errors = [error.message for error in validator.iter_errors(schemas[name]["example"])]
        assert errors == [], name
