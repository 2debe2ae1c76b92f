"""A statement: one party's account of an incident, as issued."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tracker.enums import Channel, TranslationKind
from tracker.models.common import HeldQuerySet, held_field, tracked
from tracker.models.incident import Incident
from tracker.models.party import Outlet, Party


# The activity feed reads an incident's statement history by incident.
@tracked(meta={"indexes": [models.Index(fields=["incident"], name="statementevent_incident_idx")]})
class Statement(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="statements")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="statements")
    issued_at = models.DateTimeField(_("issued at (UTC)"), null=True, blank=True)
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.WEBSITE
    )
    original_url = models.URLField(_("original URL"), max_length=2000, blank=True)
    text = models.TextField(_("verbatim text"))
    language = models.CharField(_("language"), max_length=16, blank=True, help_text="BCP 47")
    translation = models.TextField(_("English translation"), blank=True)
    translation_kind = models.CharField(
        _("translated by"), max_length=10, blank=True, choices=TranslationKind.choices
    )
    translator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    translated_at = models.DateTimeField(null=True, blank=True)
    reported_by = models.ForeignKey(
        Outlet,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reported_statements",
        help_text=_("The outlet through which the statement is known."),
    )
    version = models.PositiveIntegerField(default=1)
    held = held_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HeldQuerySet.as_manager()

    class Meta:
        ordering = ["issued_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(translation="") & models.Q(translation_kind=""))
                | (~models.Q(translation="") & ~models.Q(translation_kind="")),
                name="statement_translation_provenance",
                violation_error_message="A translation needs its provenance (machine or person), "
                "and a provenance needs a translation.",
            ),
            models.CheckConstraint(condition=~models.Q(text=""), name="statement_text_not_empty"),
        ]
        indexes = [models.Index(fields=["updated_at", "id"], name="statement_updated_idx")]

    def __str__(self) -> str:
        return f"{self.party} on {self.incident}"
