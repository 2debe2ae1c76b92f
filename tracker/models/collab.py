"""Working together on an incident: comments (on the incident or one of its claims), who is
assigned to it, and the notifications people get about them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tracker.enums import NotificationKind
from tracker.models.claim import Claim
from tracker.models.incident import Incident
from tracker.models.revision import PendingRevision

COMMENT_MAX_LENGTH = 5000


class Comment(models.Model):
    """A newsroom note, never public. Plain text: it is escaped when shown, never rendered as
    markup. `claim` is set when the comment is about one claim; `incident` always, so the
    incident's activity stream reads one table."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="comments")
    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH)
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="mentioned_in"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # The duplicate this comment was written on, when a merge carried it here (an unmerge
    # takes it back).
    merged_from = models.ForeignKey(
        Incident, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(text=""), name="comment_text_not_empty"),
        ]
        indexes = [
            models.Index(fields=["incident", "created_at"], name="comment_incident_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Assignment(models.Model):
    """Who is working on an incident now. One row per incident; no row means unassigned."""

    incident = models.OneToOneField(
        Incident, on_delete=models.CASCADE, primary_key=True, related_name="assignment"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"incident {self.incident_id} → {self.assignee_id}"


class Notification(models.Model):
    """One thing a person should know: a mention, an assignment, a decision on their
    revision. Unread until they open it or mark it read."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=24, choices=NotificationKind.choices)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    revision = models.ForeignKey(
        PendingRevision, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The nav's unread count and the "my work" page.
            models.Index(
                fields=["recipient", "read_at", "-created_at"], name="notification_inbox_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"
