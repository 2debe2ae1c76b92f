"""What the public API needs beyond the domain: tokens, webhook subscriptions and their delivery
log, and the change stamps that incremental sync reads."""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from tracker.enums import DeliveryStatus, TokenScope, WebhookEvent


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A key an API consumer sends as `Authorization: Token <key>`. Only its SHA-256 is stored:
    the key is shown once, when it is created (tracker.services.api_tokens)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("Who or what uses it."))
    prefix = models.CharField(_("key prefix"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scope = models.CharField(
        _("scope"), max_length=8, choices=TokenScope.choices, default=TokenScope.READ
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(key_hash__regex=r"^[0-9a-f]{64}$"), name="apitoken_hash_hex"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Webhook(models.Model):
    """A consumer's subscription: events are POSTed to URL, signed with SECRET."""

    url = models.URLField(_("URL"), max_length=2000)
    secret = models.CharField(max_length=64, editable=False)
    events = ArrayField(models.CharField(max_length=32, choices=WebhookEvent.choices))
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhooks"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(events=[]),
                name="webhook_has_events",
                violation_error_message="Subscribe to at least one event.",
            ),
        ]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one subscription, and how delivering it went (the delivery log)."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=32, choices=WebhookEvent.choices)
    event_id = models.UUIDField(default=uuid.uuid4)
    payload = models.JSONField()
    status = models.CharField(
        max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            # A consumer deduplicates on the event id; we never make two rows for one.
            models.UniqueConstraint(fields=["webhook", "event_id"], name="delivery_unique_event"),
        ]
        indexes = [
            # A subscription's recent deliveries.
            models.Index(fields=["webhook", "-created_at"], name="delivery_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook} ({self.status})"


class IncidentChange(models.Model):
    """When anything an incident's API representation holds last changed: the incident row, its
    statements, claims, citations, counterclaims or a cited source's metadata.

    Written only by the PostgreSQL triggers in migration api_0001 (so bulk updates, raw SQL and
    other developers' services are all seen), read by incremental sync. The row outlives the
    incident, which is how a deleted incident becomes a tombstone. was_published: it was ever
    public, so a consumer may hold a copy that a tombstone must remove."""

    # No database constraint and DO_NOTHING: the stamp must survive the incident's deletion.
    incident = models.OneToOneField(
        "tracker.Incident",
        on_delete=models.DO_NOTHING,
        primary_key=True,
        db_constraint=False,
        related_name="change",
    )
    changed_at = models.DateTimeField()
    # pg_current_xact_id() of the transaction that wrote the stamp: sync compares it with a
    # snapshot's xmin, which says exactly whether that transaction is visible (docs/api.md).
    xid = models.BigIntegerField(editable=False)
    was_published = models.BooleanField(default=False)

    class Meta:
        indexes = [
            # Last-Modified of lists (max changed_at) and exports, newest change first.
            models.Index(fields=["changed_at", "incident_id"], name="incidentchange_cursor_idx"),
            # Sync cursor: WHERE xid >= watermark ORDER BY xid, incident_id.
            models.Index(fields=["xid", "incident_id"], name="incidentchange_xid_idx"),
        ]

    def __str__(self) -> str:
        return f"incident {self.incident_id} changed {self.changed_at:%Y-%m-%d %H:%M:%S}"
