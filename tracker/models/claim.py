"""Claims (one assertion about one aspect) and counterclaims (a relation between two of them)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tracker.enums import Aspect, CounterclaimRelation, ProposalState, TimePrecision, Verdict
from tracker.models.common import (
    HeldQuerySet,
    before_write_trigger,
    held_field,
    interval_check,
    latitude_longitude_checks,
    tracked,
)
from tracker.models.party import Side
from tracker.models.statement import Statement

CASUALTY_FIELDS = ("killed_min", "killed_max", "wounded_min", "wounded_max", "casualty_side")
TIMING_FIELDS = ("time_start", "time_end")


def _only_for_aspect(aspect: Aspect, fields: tuple[str, ...], name: str) -> models.CheckConstraint:
    all_null = models.Q(**{f"{field}__isnull": True for field in fields})
    return models.CheckConstraint(
        condition=models.Q(aspect=aspect) | all_null,
        name=name,
        violation_error_message=f"Only a {aspect.label.lower()} claim has these values.",
    )


def _min_le_max(prefix: str) -> models.CheckConstraint:
    low, high = f"{prefix}_min", f"{prefix}_max"
    return models.CheckConstraint(
        condition=models.Q(**{f"{low}__isnull": True})
        | models.Q(**{f"{high}__isnull": True})
        | models.Q(**{f"{low}__lte": models.F(high)}),
        name=f"claim_{prefix}_min_le_max",
        violation_error_message=f"The minimum {prefix} figure is larger than the maximum.",
    )


# What a claim asserts: the fields a journalist writes and an editor's edit may change (the
# create and edit doors, the publish gate's editable set).
CLAIM_VALUE_FIELDS = (
    "aspect",
    "text",
    "accused_side",
    "killed_min",
    "killed_max",
    "wounded_min",
    "wounded_max",
    "casualty_side",
    "time_start",
    "time_end",
    "time_precision",
    "place",
    "latitude",
    "longitude",
)


# The activity feed reads the claim history of an incident's statements by statement.
@tracked(meta={"indexes": [models.Index(fields=["statement"], name="claimevent_statement_idx")]})
class Claim(models.Model):
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="claims")
    aspect = models.CharField(_("aspect"), max_length=16, choices=Aspect.choices)
    text = models.TextField(_("claim"))
    # initiator: the side the statement says started it.
    accused_side = models.ForeignKey(
        Side, on_delete=models.PROTECT, null=True, blank=True, related_name="accusations"
    )
    # casualties: ranges, because "more than 200" is a minimum and "dozens" a range.
    killed_min = models.PositiveIntegerField(null=True, blank=True)
    killed_max = models.PositiveIntegerField(null=True, blank=True)
    wounded_min = models.PositiveIntegerField(null=True, blank=True)
    wounded_max = models.PositiveIntegerField(null=True, blank=True)
    casualty_side = models.ForeignKey(
        Side,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="casualty_claims",
        help_text=_("Whose casualties the figures are."),
    )
    # timing: the interval the claim gives, in UTC.
    time_start = models.DateTimeField(null=True, blank=True)
    time_end = models.DateTimeField(null=True, blank=True)
    time_precision = models.CharField(max_length=16, choices=TimePrecision.choices, blank=True)
    # location
    place = models.CharField(_("place"), max_length=300, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    verdict = models.CharField(
        _("verdict"), max_length=16, choices=Verdict.choices, default=Verdict.UNVERIFIED
    )
    verdict_note = models.TextField(_("verdict note"), blank=True)
    version = models.PositiveIntegerField(default=1)
    held = held_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HeldQuerySet.as_manager()

    class Meta:
        ordering = ["statement", "aspect", "id"]
        constraints = [
            _min_le_max("killed"),
            _min_le_max("wounded"),
            _only_for_aspect(Aspect.CASUALTIES, CASUALTY_FIELDS, "claim_casualty_fields_aspect"),
            _only_for_aspect(Aspect.TIMING, TIMING_FIELDS, "claim_timing_fields_aspect"),
            _only_for_aspect(Aspect.INITIATOR, ("accused_side",), "claim_initiator_fields_aspect"),
            interval_check("claim", "time_start", "time_end"),
            *latitude_longitude_checks("claim"),
            models.CheckConstraint(condition=~models.Q(text=""), name="claim_text_not_empty"),
        ]
        indexes = [models.Index(fields=["updated_at", "id"], name="claim_updated_idx")]

    def __str__(self) -> str:
        return f"{self.get_aspect_display()}: {self.text[:60]}"


# Same incident, same aspect, parties on different sides of the incident's conflict. These span
# four tables, so a CHECK cannot hold them; the trigger makes the database refuse what the
# service layer would also refuse, whoever writes.
COUNTERCLAIM_RULES_SQL = """
DECLARE
    a record;
    b record;
BEGIN
    SELECT c.aspect, s.incident_id, al.side_id INTO a
      FROM tracker_claim c
      JOIN tracker_statement s ON s.id = c.statement_id
      JOIN tracker_incident i ON i.id = s.incident_id
      LEFT JOIN tracker_alignment al ON al.party_id = s.party_id
       AND al.side_id IN (SELECT id FROM tracker_side WHERE conflict_id = i.conflict_id)
     WHERE c.id = NEW.claim_a_id;
    SELECT c.aspect, s.incident_id, al.side_id INTO b
      FROM tracker_claim c
      JOIN tracker_statement s ON s.id = c.statement_id
      JOIN tracker_incident i ON i.id = s.incident_id
      LEFT JOIN tracker_alignment al ON al.party_id = s.party_id
       AND al.side_id IN (SELECT id FROM tracker_side WHERE conflict_id = i.conflict_id)
     WHERE c.id = NEW.claim_b_id;
    IF a.incident_id IS DISTINCT FROM b.incident_id THEN
        RAISE EXCEPTION 'counterclaim: the two claims belong to different incidents'
            USING ERRCODE = 'check_violation';
    END IF;
    IF a.aspect IS DISTINCT FROM b.aspect THEN
        RAISE EXCEPTION 'counterclaim: the two claims are about different aspects'
            USING ERRCODE = 'check_violation';
    END IF;
    IF a.side_id IS NULL OR b.side_id IS NULL OR a.side_id = b.side_id THEN
        RAISE EXCEPTION 'counterclaim: the two claims are not by parties on opposing sides'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
"""


class CounterclaimQuerySet(HeldQuerySet):
    def public(self) -> "CounterclaimQuerySet":
        """Only what an editor confirmed and approved: proposals are the newsroom's business."""
        return self.approved().filter(state=ProposalState.CONFIRMED)


@tracked()
class Counterclaim(models.Model):
    """How two claims by opposing sides on the same aspect relate. One row per unordered pair:
    the lower claim id is always claim_a."""

    claim_a = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+")
    claim_b = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+")
    relation = models.CharField(_("relation"), max_length=16, choices=CounterclaimRelation.choices)
    state = models.CharField(
        _("state"), max_length=16, choices=ProposalState.choices, default=ProposalState.PROPOSED
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    held = held_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CounterclaimQuerySet.as_manager()

    class Meta:
        ordering = ["claim_a", "claim_b"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(claim_a__lt=models.F("claim_b")),
                name="counterclaim_ordered_pair",
                violation_error_message="A counterclaim needs two different claims.",
            ),
            models.UniqueConstraint(
                fields=["claim_a", "claim_b"],
                name="counterclaim_unique_pair",
                violation_error_message="These two claims are already paired.",
            ),
        ]
        indexes = [
            # Both lookups of the grid: pairs touching a claim from either end.
            models.Index(fields=["claim_b"], name="counterclaim_claim_b_idx"),
            models.Index(fields=["updated_at", "id"], name="counterclaim_updated_idx"),
        ]
        triggers = [before_write_trigger("counterclaim_rules", COUNTERCLAIM_RULES_SQL)]

    def __str__(self) -> str:
        return f"{self.claim_a_id} {self.relation} {self.claim_b_id}"
