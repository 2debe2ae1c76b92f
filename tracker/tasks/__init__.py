"""Celery tasks, one module per concern; autodiscovery imports this package."""

from tracker.tasks import enrich, ingest, webhooks

__all__ = ["enrich", "ingest", "webhooks"]
