"""Every error of the API, the feeds and the exports in one shape: RFC 9457 problem details
(`application/problem+json`), with `errors` naming each offending field or parameter (the line
between 400 and 422: tracker.api.errors). Bodies are encoded by orjson, as the API's are."""

from http import HTTPStatus
from typing import Any

import orjson
from django.http import HttpResponse
from rest_framework import exceptions

from tracker.services.errors import UNPROCESSABLE

PROBLEM_JSON = "application/problem+json"


def orjson_bytes(data: Any) -> bytes:
    """Times in UTC with `Z`, as everywhere in the API."""
    return orjson.dumps(data, default=_plain, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_UTC_Z)


def _plain(value: Any) -> Any:
    """What orjson leaves to us: DRF's ErrorDetail (a str subclass), lazy translations,
    Decimals. All are meant as their text."""
    return str(value)


def problem(code: int, detail: str, errors: dict[str, list[str]] | None = None, **extra: Any):  # type: ignore[no-untyped-def]
    """The problem document for CODE. `type` stays about:blank: the status and `title` say
    what kind of problem it is, `detail` and `errors` what exactly."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(code).phrase,
        "status": code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    return body


def flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error details as {"field" or "field.sub" or "non_field_errors": [text]}."""
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        out = {}
        for index, item in enumerate(detail):
            out.update(flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return out
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or "non_field_errors": [str(message) for message in messages]}


def summary(errors: dict[str, list[str]]) -> str:
    return " ".join(
        " ".join(messages) if name == "non_field_errors" else f"{name}: {' '.join(messages)}"
        for name, messages in errors.items()
    )


def validation_problem(detail: Any) -> dict[str, Any]:
    """A 400 problem from a DRF ValidationError's detail (a dict, a list or a string)."""
    errors = flatten(detail)
    if list(errors) == ["non_field_errors"]:
        return problem(400, summary(errors))
    return problem(400, summary(errors), errors)


# DRF's code for a primary key naming no row, Django's for a NUL character (a JSON string may hold
# one; PostgreSQL text cannot), and ours for any value the schema admits but the data refuses.
_UNPROCESSABLE_CODES = frozenset({"does_not_exist", "null_characters_not_allowed", UNPROCESSABLE})


def unprocessable(exc: exceptions.ValidationError) -> bool:
    codes = flatten(exc.get_codes())
    return bool(codes) and all(
        code in _UNPROCESSABLE_CODES for messages in codes.values() for code in messages
    )


def problem_response(code: int, detail: str, **extra: Any) -> HttpResponse:
    """A problem answer outside DRF's views (feeds, routes that match nothing)."""
    return HttpResponse(
        orjson_bytes(problem(code, detail, **extra)), status=code, content_type=PROBLEM_JSON
    )


def bad_request(exc: exceptions.ValidationError) -> HttpResponse:
    """The feeds' answer to a bad parameter, the same document (and status) the API gives."""
    body = validation_problem(exc.detail)
    if unprocessable(exc):
        body.update(status=422, title=HTTPStatus(422).phrase)
    return HttpResponse(orjson_bytes(body), status=body["status"], content_type=PROBLEM_JSON)
