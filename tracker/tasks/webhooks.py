"""Celery tasks: thin wrappers that load rows by id and call one service."""

import logging

from celery import Task, shared_task

from tracker.models import WebhookDelivery
from tracker.services.webhooks import (
    DELIVER_TASK,
    MAX_ATTEMPTS,
    TransientDeliveryError,
    webhook_deliver,
    webhooks_pending_lost,
)

logger = logging.getLogger(__name__)


@shared_task(
    name=DELIVER_TASK,
    bind=True,
    autoretry_for=(TransientDeliveryError,),
    retry_backoff=30,  # 30 s, 60 s, 120 s, ... capped below
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=MAX_ATTEMPTS - 1,
)
def deliver_webhook(self: Task, *, delivery_id: int) -> None:
    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None:
        logger.info("webhook delivery %s is gone", delivery_id)
        return
    webhook_deliver(delivery=delivery)


@shared_task(name="webhooks.resend_lost_webhooks")
def resend_lost_webhooks() -> int:
    """Beat: re-enqueue deliveries whose message was lost (the outbox is the delivery row);
    delivering twice is harmless, webhook_deliver skips what is no longer pending."""
    ids = webhooks_pending_lost()
    for delivery_id in ids:
        deliver_webhook.delay(delivery_id=delivery_id)
    if ids:
        logger.info("re-enqueued %d webhook deliveries", len(ids))
    return len(ids)
