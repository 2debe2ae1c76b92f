"""Celery tasks, one module per concern; autodiscovery imports this package."""

from tracker.tasks import enrich, ingest, statement_watch, webhooks

__all__ = ["enrich", "ingest", "statement_watch", "webhooks"]
