"""What enrichment proposed for a source, and what editors did with it.

An EnrichmentRun records one pass over a source (which text, how long each step took, or why it
proposed nothing); its Proposals are rows an editor accepts, corrects or dismisses. Proposals
are never published data: accepting one creates the Statement, Claim, Citation or Counterclaim
through the ordinary services."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tracker.enums import EnrichmentStatus, NoProposalReason, ProposalKind, ProposalState
from tracker.models.claim import Claim, Counterclaim
from tracker.models.common import tracked
from tracker.models.incident import Incident
from tracker.models.party import Party
from tracker.models.source import Source
from tracker.models.statement import Statement


class EnrichmentRun(models.Model):
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="enrichment_runs")
    status = models.CharField(max_length=16, choices=EnrichmentStatus.choices)
    reason = models.CharField(max_length=24, choices=NoProposalReason.choices, blank=True)
    detail = models.TextField(blank=True)
    language = models.CharField(max_length=16, blank=True)
    # The source's content hash this run read: a source whose hash moved on needs a new run.
    content_hash = models.CharField(max_length=64, blank=True)
    timings = models.JSONField(default=dict, blank=True, help_text=_("Seconds per step."))
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=EnrichmentStatus.NO_PROPOSALS) | ~models.Q(reason=""),
                name="enrichmentrun_reason_when_empty",
                violation_error_message="A run that proposes nothing says why.",
            ),
        ]
        indexes = [
            # The periodic scan and the inbox: a source's latest run.
            models.Index(fields=["source", "-started_at"], name="enrichmentrun_latest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source} @ {self.started_at:%Y-%m-%d %H:%M} ({self.status})"


@tracked()
class Proposal(models.Model):
    run = models.ForeignKey(EnrichmentRun, on_delete=models.CASCADE, related_name="proposals")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="proposals")
    kind = models.CharField(max_length=16, choices=ProposalKind.choices)
    state = models.CharField(
        max_length=16, choices=ProposalState.choices, default=ProposalState.PROPOSED
    )
    position = models.PositiveIntegerField(default=0, help_text=_("Order within the run."))
    # A claim's statement; a counterclaim's first claim. `other` is a counterclaim's second claim
    # (empty when the second is a claim already stored on the incident: payload names it).
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    other = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    start_offset = models.PositiveIntegerField(null=True, blank=True)
    end_offset = models.PositiveIntegerField(null=True, blank=True)
    excerpt = models.TextField(blank=True)
    payload = models.JSONField(default=dict)
    party = models.ForeignKey(
        Party, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What accepting made or chose.
    incident = models.ForeignKey(
        Incident, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    statement = models.ForeignKey(
        Statement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claim = models.ForeignKey(
        Claim, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    counterclaim = models.ForeignKey(
        Counterclaim, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # Why it was dismissed, when the editor said (the inbox's bulk dismiss asks for one reason).
    dismissal_reason = models.CharField(_("reason for dismissing"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["run", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_offset__isnull=True)
                | models.Q(end_offset__gte=models.F("start_offset")),
                name="proposal_span_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(state=ProposalState.PROPOSED)
                | models.Q(decided_at__isnull=False),
                name="proposal_decided_has_time",
                violation_error_message="A decided proposal records when it was decided.",
            ),
        ]
        indexes = [
            # The inbox: undecided proposals, newest sources first.
            models.Index(fields=["state", "source"], name="proposal_inbox_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} proposal #{self.pk} ({self.state})"
