"""Official statements watched for edits and deletions at their original address: the watch's
schedule per statement, and every version of the page's text the watch archived."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from tracker.enums import StatementCheck
from tracker.models.statement import Statement


class StatementWatch(models.Model):
    """When a statement's original page is next fetched, and what the watch last knew of it.
    Created by the watch round itself for every statement with an original URL."""

    statement = models.OneToOneField(Statement, on_delete=models.CASCADE, related_name="watch")
    next_check_at = models.DateTimeField(_("next check"))
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    # Consecutive failed fetches (network, 5xx, refused): the back-off doubles with each.
    failures = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # SHA-256 of the normalised text of the latest version ("" before the first fetch).
    content_hash = models.CharField(max_length=64, blank=True)
    edited_at = models.DateTimeField(_("last edited by the source"), null=True, blank=True)
    removed_at = models.DateTimeField(_("removed by the source"), null=True, blank=True)

    class Meta:
        indexes = [
            # The round's due scan: WHERE next_check_at <= now ORDER BY next_check_at.
            models.Index(fields=["next_check_at"], name="statementwatch_due_idx"),
        ]

    def __str__(self) -> str:
        return f"watch of statement {self.statement_id}"


class StatementVersion(models.Model):
    """One observation of the original page that changed what we know: its first text, an
    edit (with the diff against the version before), its removal, or its return."""

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="source_versions"
    )
    kind = models.CharField(max_length=12, choices=StatementCheck.choices)
    seen_at = models.DateTimeField(_("seen at"))
    url = models.URLField(_("address fetched (after redirects)"), max_length=2000)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(_("extracted text"), blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    diff = models.TextField(_("changes against the version before"), blank=True)
    snapshot = models.BinaryField(
        _("page as fetched (zlib)"), null=True, blank=True, editable=False
    )
    # Citations of the statement (or its claims) quoting this page whose passage is no longer in
    # it. The citations themselves stay anchored to the archived source text they quoted.
    lost_citation_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)

    class Meta:
        ordering = ["statement", "seen_at", "id"]
        indexes = [
            # A statement's versions, newest first; the conflict page's recent changes.
            models.Index(fields=["statement", "-seen_at"], name="statementversion_recent_idx"),
            models.Index(fields=["-seen_at"], name="statementversion_seen_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(content_hash="")
                | models.Q(content_hash__regex=r"^[0-9a-f]{64}$"),
                name="statementversion_hash_hex",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.seen_at:%Y-%m-%d}"
