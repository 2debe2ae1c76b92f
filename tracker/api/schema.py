"""The OpenAPI document says what the server does, so a generated client can rely on it:

- reads of the public resources need no credentials (`{}` first among their security
  requirements; a token only raises the rate limit);
- every error is a `Problem` (RFC 9457, `application/problem+json`), added once to every
  operation instead of on each view: a request this document does not allow (400), missing
  rights (401/403), absent (404), refused state change or stale version (409, writes), allowed
  here but refused by the data (422), rate limit (429);
- the headers consumers read: `ETag` on every read, `X-Sync-Watermark` on incident lists,
  `Retry-After` on 429;
- ids in paths as the routes take them (ASCII digits), with an example;
- the query parameters of a form-parsed list as its form takes them (form_parameters);
- an example per resource (tracker.api.examples)."""

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import permissions

from tracker.api.examples import EXAMPLES
from tracker.api.permissions import ReadAnyoneWriteEditors
from tracker.forms.fields import (
    BBOX_PATTERN,
    MAX_ID,
    AnyIdField,
    AnyOfField,
    BboxField,
    DateOrTimeField,
    FlagField,
)

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "Always about:blank: `status` says it."},
        "title": {"type": "string", "description": "The HTTP status's phrase."},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string", "description": "What went wrong, in words."},
        "errors": {
            "type": "object",
            "description": "One message list per offending field or query parameter.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "current_version": {"type": "integer", "description": "On a stale edit (409)."},
    },
    "example": {
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "detail": "bbox: Give west,south,east,north in degrees.",
        "errors": {"bbox": ["Give west,south,east,north in degrees."]},
    },
}
PROBLEM_CONTENT = {"application/problem+json": {"schema": PROBLEM_REF}}
COMMON = {
    "400": "Parameters or body this document does not allow (an unknown query parameter "
    "included); `errors` names them.",
    "401": "Unknown or revoked token.",
    "403": "Your token or user may not do this.",
    "404": "No such object, or not published.",
    "429": "Rate limit spent; retry after the Retry-After header's seconds.",
}
UNPROCESSABLE = {
    "422": "Matches this document, but the data refuses it (a rule of the service, an id "
    "naming nothing, a cursor this API never issued); `errors` says which field."
}
WRITE_ONLY = {"409": "Refused in the object's current state, or a stale `version`."}
HEADERS = {
    "ETag": {
        "description": "Hash of the body; send it as If-None-Match to get a 304.",
        "schema": {"type": "string"},
    },
    "X-Sync-Watermark": {
        "description": "Opaque: keep the first page's value as the next pass's `updated_since` "
        "(an instant in UTC with Z, then the snapshot's transaction horizon; docs/api.md).",
        "schema": {"type": "string", "example": "2026-11-25T18:20:01.123456Z~48213"},
    },
    "Retry-After": {
        "description": "Seconds until the rate limit's window ends.",
        "schema": {"type": "integer", "minimum": 1},
    },
}


ID_SCHEMA = {"type": "integer", "minimum": 0, "maximum": MAX_ID}
DATE_TIME = {"type": "string", "format": "date-time"}


def _field_schema(field: forms.Field) -> dict[str, Any]:
    """What FIELD (tracker.forms.fields) takes, as a JSON schema for a query parameter."""
    if isinstance(field, AnyOfField):
        values = [str(value) for value, _label in cast(Iterable[tuple[Any, Any]], field.choices)]
        return {"type": "array", "items": {"type": "string", "enum": values}}
    if isinstance(field, AnyIdField):
        return {"type": "array", "items": ID_SCHEMA}
    if isinstance(field, FlagField):
        return {"type": "boolean"}
    if isinstance(field, BboxField):
        return {"type": "string", "pattern": BBOX_PATTERN}
    if isinstance(field, DateOrTimeField):
        return {"anyOf": [{"type": "string", "format": "date"}, DATE_TIME]}
    schema: dict[str, Any] = {"type": "string"}
    if isinstance(field, forms.CharField) and field.max_length is not None:
        schema["maxLength"] = field.max_length
    return schema


def form_parameters(form_class: type[forms.Form]) -> list[OpenApiParameter]:
    """FORM_CLASS's fields as query parameters: the schema says what the form takes; a list
    is the parameter repeated (`type=a&type=b`)."""
    parameters = []
    for name, field in form_class.base_fields.items():
        schema = _field_schema(field)
        parameters.append(
            OpenApiParameter(
                name,
                schema,
                OpenApiParameter.QUERY,
                description=str(field.help_text or ""),
                style="form" if schema.get("type") == "array" else None,
                explode=True if schema.get("type") == "array" else None,
            )
        )
    return parameters


class ApiSchema(AutoSchema):
    def get_auth(self) -> list[dict[str, Any]]:
        """Reads of ReadAnyoneWriteEditors views are public; credentials stay optional."""
        auths = super().get_auth()
        public = any(isinstance(p, ReadAnyoneWriteEditors) for p in self.view.get_permissions())
        if public and self.method in permissions.SAFE_METHODS:
            return [{}, *(auth for auth in auths if auth)]
        return [auth for auth in auths if auth]


def _headers(response: dict[str, Any], *names: str) -> None:
    headers = response.setdefault("headers", {})
    for name in names:
        headers.setdefault(name, HEADERS[name])


def add_common_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    for name, example in EXAMPLES.items():
        if name in schemas:
            schemas[name]["example"] = example
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    parameter["schema"]["pattern"] = "^[0-9]{1,18}$"
                    parameter.setdefault("example", "1")
            responses = operation.setdefault("responses", {})
            codes = {**COMMON, **UNPROCESSABLE}
            if method != "get":
                codes.update(WRITE_ONLY)
            for code, text in codes.items():
                responses.setdefault(code, {"description": text})
                responses[code]["content"] = PROBLEM_CONTENT
            _headers(responses["429"], "Retry-After")
            if method != "get":
                continue
            responses.setdefault(
                "304", {"description": "Not modified since your ETag / Last-Modified."}
            )
            _headers(responses["304"], "ETag")
            if "200" in responses:
                _headers(responses["200"], "ETag")
            if path == "/api/v1/incidents/":
                _headers(responses["200"], "X-Sync-Watermark")
                _headers(responses["304"], "X-Sync-Watermark")
    return result
