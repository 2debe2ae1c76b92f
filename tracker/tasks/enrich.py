"""Celery tasks: thin wrappers that load rows by id and call one service."""

import logging
from functools import partial

from celery import shared_task
from django.db import transaction

from tracker.models import Source
from tracker.selectors.enrichment import sources_to_enrich
from tracker.services.enrichment import source_enrich

logger = logging.getLogger(__name__)


@shared_task(name="enrich.enrich_source")
def enrich_source(*, source_id: int, force: bool = False) -> int | None:
    """Enrich one source; returns the run id. Re-running it on an unchanged source is a no-op."""
    source = Source.objects.filter(pk=source_id).first()
    if source is None:
        logger.info("source %s is gone; nothing to enrich", source_id)
        return None
    return source_enrich(source=source, force=force).pk


@shared_task(name="enrich.enrich_scan")
def enrich_scan(*, limit: int = 200) -> int:
    """Enqueue sources never enriched or changed since their last run: how new sources from
    ingest reach enrichment without ingest knowing about it."""
    ids = list(sources_to_enrich(limit=limit).values_list("pk", flat=True))
    for source_id in ids:
        transaction.on_commit(partial(enrich_source.delay, source_id=source_id))
    return len(ids)
