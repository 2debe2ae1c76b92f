"""Who speaks, and for which side: conflicts, their sides, parties, their aliases, outlets."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from tracker.enums import PartyKind, SideRole

COUNTRY_CODE_CHECK = models.Q(country_code="") | models.Q(country_code__regex=r"^[A-Z]{2}$")


class Conflict(models.Model):
    """Groups incidents and names the sides whose accounts are compared."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(unique=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Side(models.Model):
    """One side of a conflict: a belligerent, or a third party such as a mediator."""

    conflict = models.ForeignKey(Conflict, on_delete=models.CASCADE, related_name="sides")
    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("role"), max_length=20, choices=SideRole.choices)
    country_code = models.CharField(_("country code"), max_length=2, blank=True)

    class Meta:
        ordering = ["conflict", "name"]
        constraints = [
            models.UniqueConstraint(fields=["conflict", "name"], name="side_unique_name"),
            models.CheckConstraint(condition=COUNTRY_CODE_CHECK, name="side_country_code_iso"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.conflict})"


class Party(models.Model):
    """Makes statements: a ministry, an armed force, a government, an agency, a person."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=PartyKind.choices)
    country_code = models.CharField(_("country code"), max_length=2, blank=True)
    sides: "models.ManyToManyField[Side, Alignment]" = models.ManyToManyField(
        Side, through="Alignment", related_name="parties", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "parties"
        constraints = [
            models.CheckConstraint(condition=COUNTRY_CODE_CHECK, name="party_country_code_iso"),
        ]

    def __str__(self) -> str:
        return self.name


class Alignment(models.Model):
    """A party's side in one conflict (a party may appear in several conflicts)."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="alignments")
    side = models.ForeignKey(Side, on_delete=models.CASCADE, related_name="alignments")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["party", "side"], name="alignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.party} → {self.side}"

    def clean(self) -> None:
        if self.party_id and self.side_id:
            other = (
                Alignment.objects.filter(
                    party_id=self.party_id, side__conflict_id=self.side.conflict_id
                )
                .exclude(pk=self.pk)
                .exclude(side_id=self.side_id)
            )
            if other.exists():
                raise ValidationError(
                    _("%(party)s already belongs to another side of %(conflict)s.")
                    % {"party": self.party, "conflict": self.side.conflict}
                )


class PartyAlias(models.Model):
    """A name a reader would recognise the party by, in any language or script ("Baku")."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="aliases")
    text = models.CharField(_("alias"), max_length=200)
    language = models.CharField(_("language"), max_length=16, blank=True, help_text="BCP 47")
    is_metonym = models.BooleanField(
        _("metonym"), default=False, help_text=_("A place standing for the party, e.g. 'Baku'.")
    )

    class Meta:
        ordering = ["party", "language", "text"]
        verbose_name_plural = "party aliases"
        constraints = [
            models.UniqueConstraint(Lower("text"), "party", name="party_alias_unique_ci"),
            models.CheckConstraint(condition=~models.Q(text=""), name="party_alias_not_empty"),
        ]

    def __str__(self) -> str:
        return self.text


class Outlet(models.Model):
    """A publisher of sources (news agency, broadcaster, ministry website)."""

    name = models.CharField(_("name"), max_length=200)
    domain = models.CharField(_("domain"), max_length=253, unique=True)
    country_code = models.CharField(_("country code"), max_length=2, blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=COUNTRY_CODE_CHECK, name="outlet_country_code_iso"),
            models.CheckConstraint(
                condition=models.Q(domain=Lower("domain")), name="outlet_domain_lower"
            ),
        ]

    def __str__(self) -> str:
        return self.name
