"""Service errors as HTTP: a model ValidationError is a 400 with its messages, a stale edit a
409 that tells the current version."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from tracker.models import PendingRevision
from tracker.services.errors import StaleEditError


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
        return Response(
            {"detail": str(exc), "current_version": exc.actual},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DjangoValidationError):
        body = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
