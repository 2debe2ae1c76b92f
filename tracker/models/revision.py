"""Changes to a published incident (edits, additions, deletions, merges into it), held until an
editor approves them, so the public keeps reading the approved version meanwhile."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tracker.enums import RevisionAction, RevisionState
from tracker.models.claim import Claim, Counterclaim
from tracker.models.incident import Incident
from tracker.models.source import Citation
from tracker.models.statement import Statement


class PendingRevision(models.Model):
    """One proposed change to one row of a published incident (the incident itself, or one of its
    statements, claims, citations or counterclaims).

    edit: the new values of the edited fields, and the row's version they were made against, so
    that approving a revision made against an older version is refused instead of overwriting.
    add: the row exists already but is `held` (hidden from the public) until approved; rejecting
    deletes it. delete: the row stays public until approved. merge: target_id is the duplicate
    incident to merge into `incident`; nothing moves until approved."""

    class Target(models.TextChoices):
        INCIDENT = "incident", _("Incident")
        STATEMENT = "statement", _("Statement")
        CLAIM = "claim", _("Claim")
        CITATION = "citation", _("Citation")
        COUNTERCLAIM = "counterclaim", _("Counterclaim")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="revisions")
    action = models.CharField(
        max_length=8, choices=RevisionAction.choices, default=RevisionAction.EDIT
    )
    target = models.CharField(max_length=16, choices=Target.choices)
    target_id = models.PositiveBigIntegerField()
    # Rows without a version (citations, counterclaims) and additions have none to check.
    base_version = models.PositiveIntegerField(null=True, blank=True)
    changes = models.JSONField(
        default=dict, blank=True, help_text=_("Field → new value, as the edit form cleaned it.")
    )
    state = models.CharField(
        max_length=16, choices=RevisionState.choices, default=RevisionState.PENDING
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state=RevisionState.PENDING, decided_at__isnull=True)
                | (~models.Q(state=RevisionState.PENDING) & models.Q(decided_at__isnull=False)),
                name="revision_decided_when_not_pending",
            ),
        ]
        indexes = [
            # The incident page's "pending revisions" panel.
            models.Index(fields=["incident", "state"], name="revision_incident_state_idx"),
            # A row's open revisions: its "awaiting approval" badge, and closing them when the
            # row goes away.
            models.Index(fields=["target", "target_id"], name="revision_target_idx"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_action_display()} of {self.get_target_display().lower()} "
            f"{self.target_id} ({self.get_state_display()})"
        )


# The row model of each revision target, for the gate that applies revisions and the pages that
# show them.
REVISION_MODELS: dict[str, type[models.Model]] = {
    PendingRevision.Target.INCIDENT: Incident,
    PendingRevision.Target.STATEMENT: Statement,
    PendingRevision.Target.CLAIM: Claim,
    PendingRevision.Target.CITATION: Citation,
    PendingRevision.Target.COUNTERCLAIM: Counterclaim,
}
