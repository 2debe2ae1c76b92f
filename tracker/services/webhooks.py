"""Outbound webhooks: subscriptions, events written to a delivery log in the same transaction as
the change that caused them (so an event is never sent for a rolled-back change, nor lost for a
committed one), and signed deliveries that a Celery task retries with backoff."""

import hashlib
import hmac
import json
import secrets
import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import urllib3
from celery import current_app
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tracker.enums import DeliveryStatus, EditorialState, WebhookEvent
from tracker.ingest import fetch
from tracker.ingest.netpolicy import BlockedAddressError, check_host
from tracker.models import (
    Claim,
    Counterclaim,
    Incident,
    IncidentChange,
    Webhook,
    WebhookDelivery,
)
from tracker.services.errors import StateConflictError
from tracker.text.normalise import utc_iso

SIGNATURE_HEADER = "X-Counterclaim-Signature"
MAX_ATTEMPTS = 8
DELIVERY_TIMEOUT = urllib3.Timeout(connect=5, read=10)


class TransientDeliveryError(Exception):
    """The receiver was unreachable or answered 5xx/429: worth another try later."""


def webhook_url_check(url: str) -> None:
    """The fetcher's rules: http(s) only, and no literal private/loopback address (names are
    checked again at connect time, against every address they resolve to)."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValidationError({"url": "An http or https URL with a host."})
    try:
        check_host(parts.hostname)
    except BlockedAddressError as exc:
        raise ValidationError({"url": str(exc)}) from exc


@transaction.atomic
def webhook_create(*, url: str, events: list[WebhookEvent], created_by: User) -> Webhook:
    webhook_url_check(url)
    if not events:
        raise ValidationError({"events": "Subscribe to at least one event."})
    return Webhook.objects.create(
        url=url,
        events=sorted(set(events)),
        secret=secrets.token_hex(32),
        created_by=created_by,
    )


@transaction.atomic
def webhook_rotate_secret(*, webhook: Webhook) -> Webhook:
    """A new signing secret, effective for the next delivery: the way out when the old one
    leaked, since a secret is shown only once, when it is made."""
    webhook.secret = secrets.token_hex(32)
    Webhook.objects.filter(pk=webhook.pk).update(secret=webhook.secret)
    return webhook


def webhook_signature(secret: str, timestamp: int, body: bytes) -> str:
    """`t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: the time inside the signed text
    lets a receiver refuse replays of an old delivery."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def webhooks_emit(*, event: WebhookEvent, data: dict[str, Any]) -> list[WebhookDelivery]:
    """Log EVENT for every active subscription to it and enqueue the deliveries after commit.
    Call it inside the transaction that makes the change."""
    deliveries = []
    for webhook in Webhook.objects.filter(is_active=True, events__contains=[event]):
        delivery = WebhookDelivery(webhook=webhook, event=event, payload={})
        delivery.payload = json.loads(
            json.dumps(
                {"id": str(delivery.event_id), "event": str(event), "data": data},
                cls=DjangoJSONEncoder,
            )
        )
        delivery.save()
        deliveries.append(delivery)
    if deliveries:
        _enqueue([delivery.pk for delivery in deliveries])
    return deliveries


# The task that delivers one row (tracker/tasks/webhooks.py); enqueued by this name so that the
# service layer does not import the task layer.
DELIVER_TASK = "webhooks.deliver_webhook"


def _enqueue(ids: list[int]) -> None:
    # robust: with the broker down the change still commits and the caller gets its answer;
    # the deliveries stay pending in PostgreSQL (the outbox) for webhooks_resend_pending.
    transaction.on_commit(
        lambda: [current_app.send_task(DELIVER_TASK, kwargs={"delivery_id": i}) for i in ids],
        robust=True,
    )


# A delivery never attempted this long after it was written lost its task message (broker down
# or restarted); one attempted this long ago lost its retry.
RESEND_UNATTEMPTED_AFTER = timedelta(minutes=2)
RESEND_STALLED_AFTER = timedelta(hours=2)


def webhooks_pending_lost() -> list[int]:
    """Ids of pending deliveries whose task message is evidently gone, for re-enqueueing."""
    now = timezone.now()
    lost = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).filter(
        Q(last_attempt_at__isnull=True, created_at__lt=now - RESEND_UNATTEMPTED_AFTER)
        | Q(last_attempt_at__lt=now - RESEND_STALLED_AFTER)
    )
    return list(lost.order_by("id").values_list("id", flat=True)[:1000])


def _incident_data(incident: Incident) -> dict[str, Any]:
    """What every event says about its incident: the version and the sync stamp's changed_at
    (as the API shows them), so a receiver can tell whether its copy is older."""
    changed_at = (
        IncidentChange.objects.filter(pk=incident.pk).values_list("changed_at", flat=True).first()
    )
    return {
        "incident": incident.pk,
        "version": incident.version,
        # Formatted here: DjangoJSONEncoder would cut the microseconds the API shows.
        "changed_at": utc_iso(changed_at) if changed_at else None,
    }


def incident_event(
    *, event: WebhookEvent, incident: Incident, **extra: Any
) -> list[WebhookDelivery]:
    """For the publishing and editing services: announce EVENT about INCIDENT."""
    data = {
        **_incident_data(incident),
        "title": incident.title,
        "state": incident.state,
        **extra,
    }
    return webhooks_emit(event=event, data=data)


def incident_updated(*, incident: Incident) -> list[WebhookDelivery]:
    """An approved change of a public incident (its fields, or through the publish gate its
    statements and claims)."""
    if not is_public(incident):
        return []
    return incident_event(event=WebhookEvent.INCIDENT_UPDATED, incident=incident)


def claim_verdict_changed(*, claim: Claim, previous: str) -> list[WebhookDelivery]:
    """For claim_set_verdict: announce a changed verdict of a published incident's claim."""
    incident = claim.statement.incident
    if previous == claim.verdict or not is_public(incident):
        return []
    return webhooks_emit(
        event=WebhookEvent.CLAIM_VERDICT_CHANGED,
        data={
            **_incident_data(incident),
            "claim": claim.pk,
            "claim_version": claim.version,
            "verdict": claim.verdict,
            "previous_verdict": previous,
            "verdict_note": claim.verdict_note,
        },
    )


def counterclaim_confirmed(*, counterclaim: Counterclaim) -> list[WebhookDelivery]:
    """For counterclaim_decide: announce a confirmed relation in a published incident."""
    incident = counterclaim.claim_a.statement.incident
    if not is_public(incident):
        return []
    return webhooks_emit(
        event=WebhookEvent.COUNTERCLAIM_CONFIRMED,
        data={
            **_incident_data(incident),
            "counterclaim": counterclaim.pk,
            "claim_a": counterclaim.claim_a_id,
            "claim_b": counterclaim.claim_b_id,
            "relation": counterclaim.relation,
        },
    )


def is_public(incident: Incident) -> bool:
    return incident.state == EditorialState.PUBLISHED and incident.merged_into_id is None


@transaction.atomic
def webhook_ping(*, webhook: Webhook) -> WebhookDelivery:
    """A test event for WEBHOOK alone, delivered like any other (signed, logged, retried)."""
    delivery = WebhookDelivery(webhook=webhook, event=WebhookEvent.PING)
    delivery.payload = {
        "id": str(delivery.event_id),
        "event": str(WebhookEvent.PING),
        "data": {"webhook": webhook.pk, "events": list(webhook.events)},
    }
    delivery.save()
    _enqueue([delivery.pk])
    return delivery


@transaction.atomic
def webhook_redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send DELIVERY again with the same event id (receivers deduplicate on it) and a fresh
    round of attempts, e.g. after the receiver was fixed. One already pending is left alone:
    its task is on the way."""
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status == DeliveryStatus.PENDING:
        raise StateConflictError("This delivery is still pending; it is being sent.")
    delivery.status, delivery.attempts, delivery.error = DeliveryStatus.PENDING, 0, ""
    delivery.response_status = delivery.delivered_at = None
    delivery.save()
    _enqueue([delivery.pk])
    return delivery


def webhook_post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST through the fetcher's guarded connection pool (every resolved address checked
    against the SSRF policy at connect time). Returns the status; raises
    TransientDeliveryError for network failures and BlockedAddressError for refused hosts."""
    webhook_url_check(url)
    try:
        response = fetch._MANAGER.request(  # the fetcher's guarded pool; see docs/api.md
            "POST", url, body=body, headers=headers, timeout=DELIVERY_TIMEOUT, redirect=False
        )
    except BlockedAddressError:
        raise
    except (*fetch.TRANSIENT_ERRORS, TimeoutError) as exc:  # type: ignore[misc]  # mypy reads no * here
        raise TransientDeliveryError(str(exc) or f"timed out posting to {url}") from exc
    except urllib3.exceptions.HTTPError as exc:
        inner = exc.reason if isinstance(exc, urllib3.exceptions.MaxRetryError) else exc
        if isinstance(inner, BlockedAddressError):
            raise inner from exc
        raise TransientDeliveryError(f"cannot reach {url}: {inner}") from exc
    return response.status


def webhook_deliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """One attempt. Success (2xx) and permanent refusals (other 4xx, a blocked address, an
    inactive subscription) are final; TransientDeliveryError is raised for the task to retry
    until MAX_ATTEMPTS, after which the delivery is marked failed."""
    if delivery.status != DeliveryStatus.PENDING:
        return delivery  # a duplicate task message: the work is done
    webhook = delivery.webhook
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": settings.COUNTERCLAIM_FETCH_USER_AGENT,
        "X-Counterclaim-Event": delivery.event,
        "X-Counterclaim-Delivery": str(delivery.event_id),
        SIGNATURE_HEADER: webhook_signature(webhook.secret, int(time.time()), body),
    }
    delivery.attempts += 1
    delivery.last_attempt_at = timezone.now()
    transient: TransientDeliveryError | None = None
    try:
        if not webhook.is_active:
            raise BlockedAddressError("the subscription was switched off")
        status = webhook_post(webhook.url, body, headers)
        delivery.response_status = status
        if 200 <= status < 300:
            delivery.status, delivery.error = DeliveryStatus.SUCCEEDED, ""
            delivery.delivered_at = delivery.last_attempt_at
        elif status >= 500 or status == 429:
            transient = TransientDeliveryError(f"HTTP {status}")
        else:
            delivery.status, delivery.error = DeliveryStatus.FAILED, f"HTTP {status}"
    except (BlockedAddressError, ValidationError) as exc:
        delivery.status, delivery.error = DeliveryStatus.FAILED, str(exc)
    except TransientDeliveryError as exc:
        transient = exc
    if transient is not None:
        delivery.error = str(transient)
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
    delivery.save()
    if transient is not None and delivery.status == DeliveryStatus.PENDING:
        raise transient
    return delivery
