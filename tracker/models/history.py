"""Which models keep a history (pghistory events), read by the history selectors and restored by
the history service; here so that neither layer imports the other for it."""

from typing import Any

from django.apps import apps
from django.db import models

from tracker.models.claim import Claim, Counterclaim
from tracker.models.incident import Incident
from tracker.models.source import Citation, Source
from tracker.models.statement import Statement

# Parents before children, so foreign keys resolve on insert.
TRACKED_MODELS: tuple[type[models.Model], ...] = (
    Incident,
    Statement,
    Source,
    Claim,
    Counterclaim,
    Citation,
)
DELETE_LABEL = "delete"


def event_model(model: type[models.Model]) -> Any:
    """The pghistory event model of MODEL (`ClaimEvent` for `Claim`), whose pgh_* fields are made
    at run time (hence Any)."""
    return apps.get_model(model._meta.app_label, f"{model.__name__}Event")
