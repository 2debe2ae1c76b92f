"""The editorial log: every state transition of an incident, with who made it and why."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from tracker.enums import EditorialAction


class EditorialLogEntry(models.Model):
    """A state transition of an incident, with the note an editor gave (a retraction must say
    why) and, for merges, which statements and comments moved and the duplicate's assignment,
    so that a merge can be undone exactly.

    incident_id is a plain column, not a foreign key: the log outlives a deleted incident."""

    incident_id = models.BigIntegerField(db_index=True)
    action = models.CharField(max_length=12, choices=EditorialAction.choices)
    note = models.TextField(blank=True)
    merged_into_id = models.BigIntegerField(null=True, blank=True)
    moved_statement_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    moved_comment_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    # The duplicate's assignment a merge took off it ({"assignee", "assigned_by", "taken": the
    # target had nobody and took the assignee}), so an unmerge can put it back.
    moved_assignment = models.JSONField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "editorial log entries"

    def __str__(self) -> str:
        return f"incident {self.incident_id} {self.action}"
