"""Beat runs one round of the statement watch; the round claims its rows itself, so two
overlapping rounds (or a round beside `manage.py watch_statements`) never fetch a page twice."""

import logging

from celery import shared_task

from tracker.services.statement_watch import statements_watch_round

logger = logging.getLogger(__name__)


@shared_task(name="statement_watch.watch_statements", acks_late=True)
def watch_statements() -> str:
    report = statements_watch_round()
    logger.info("statement watch: %s", report.summary())
    return report.summary()
