"""Every error of the API and the feeds in one shape: RFC 9457 problem details
(`application/problem+json`), with `errors` naming each offending field or parameter.

The line between 400 and 422 is the OpenAPI document: a request that does not match it (wrong
type, missing field, unknown parameter, a value outside the declared range) is a 400; one that
matches it but breaks a rule only the data can tell (a service's ValidationError, an id naming
nothing, a cursor this API never issued) is a 422 Unprocessable Content. A refused state
change (StateConflictError) and a stale edit are 409s, the stale one telling the current
version. Routes that match nothing under /api/ and /feeds/, and server errors there, get the
same shape through the project's handler404/handler500."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.views import defaults
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from tracker.api.renderers import OrjsonRenderer
from tracker.models import PendingRevision
from tracker.services.errors import StaleEditError, StateConflictError
from tracker.web.problems import (
    PROBLEM_JSON,
    flatten,
    problem,
    problem_response,
    summary,
    unprocessable,
    validation_problem,
)

# Paths whose clients are programs: they get problem+json, never an HTML error page.
MACHINE_PREFIXES = ("/api/", "/feeds/")


def _django_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            "non_field_errors" if name == "__all__" else name: messages
            for name, messages in exc.message_dict.items()
        }
    return {"non_field_errors": exc.messages}


def _as_problem(response: Response) -> Response:
    """DRF's own answer (headers such as Retry-After and WWW-Authenticate kept) reshaped."""
    response.data = _reshaped(response)
    return response


def _reshaped(response: Response) -> dict[str, Any]:
    if isinstance(response.data, dict) and set(response.data) <= {"detail"}:
        return problem(response.status_code, str(response.data.get("detail", "")))
    if response.status_code == status.HTTP_400_BAD_REQUEST:
        return validation_problem(response.data)
    errors = flatten(response.data)
    return problem(response.status_code, summary(errors), errors)


def _typed(response: Response, context: dict[str, Any]) -> Response:
    """problem+json for JSON clients; the browsable API keeps rendering its HTML page."""
    renderer = getattr(context.get("request"), "accepted_renderer", None)
    if renderer is None or isinstance(renderer, OrjsonRenderer):
        response.content_type = PROBLEM_JSON
    return response


def held_answer(revision: PendingRevision) -> Response:
    """202 for a write to a published incident: accepted, and held as a pending revision until
    an editor approves it (tracker.services.revisions); the public data is unchanged."""
    return Response(
        {
            "detail": "Held for an editor's approval: the published version stays as it is "
            "until then.",
            "revision": revision.pk,
            "action": revision.action,
        },
        status=status.HTTP_202_ACCEPTED,
    )


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, StaleEditError):
        body = problem(409, str(exc), current_version=exc.actual)
        return _typed(Response(body, status=409), context)
    if isinstance(exc, DjangoValidationError):
        errors = _django_errors(exc)
        code = 409 if isinstance(exc, StateConflictError) else 422
        body = problem(
            code, summary(errors), None if list(errors) == ["non_field_errors"] else errors
        )
        return _typed(Response(body, status=code), context)
    if isinstance(exc, exceptions.ValidationError) and unprocessable(exc):
        errors = flatten(exc.detail)
        return _typed(Response(problem(422, summary(errors), errors), status=422), context)
    response = drf_exception_handler(exc, context)
    return _typed(_as_problem(response), context) if response is not None else None


def _machine(request: HttpRequest) -> bool:
    return request.path.startswith(MACHINE_PREFIXES)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: a problem document for the API and feeds, the site's page elsewhere."""
    if _machine(request):
        return problem_response(404, "No such resource: the address names nothing here.")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a problem document for the API and feeds, the site's page elsewhere."""
    if _machine(request):
        return problem_response(500, "The server failed to answer; the error was logged.")
    return defaults.server_error(request)


# The 202 of a write to a published incident, as the schema documents it.
HELD_RESPONSE = OpenApiResponse(description="Held for an editor's approval (published).")


def deleted_answer(held: PendingRevision | None) -> Response:
    """204 for a deletion done, or the 202 of one held for an editor's approval."""
    return held_answer(held) if held is not None else Response(status=status.HTTP_204_NO_CONTENT)
