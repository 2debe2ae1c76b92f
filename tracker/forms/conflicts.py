"""Forms of the conflict set-up pages (editors): they parse and check what was typed; the
writes, and the checks that need the database, are tracker.services.conflicts'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tracker.enums import PartyKind, SideRole
from tracker.forms.fields import IsolatedChoiceField
from tracker.models import Conflict, Party, Side
from tracker.services.conflicts import COUNTRY, SideDetails

# The longest text the alias test box reads: a long report, not a book.
TEST_TEXT_LIMIT = 20_000


class CountryField(forms.CharField):
    """An ISO 3166-1 alpha-2 code ("AM", "az"), or nothing for a party of no one country."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            required=False,
            label=_("Country (ISO 3166-1 alpha-2)"),
            help_text=_("Two letters, e.g. AM or AZ; empty for an international body."),
            **kwargs,
        )

    def clean(self, value: Any) -> str:
        code = (super().clean(value) or "").strip().upper()
        if code and not COUNTRY.match(code):
            raise forms.ValidationError(
                _("Two letters from ISO 3166-1 (e.g. AM), or empty; “%(code)s” is not one."),
                params={"code": code},
            )
        return code


class ConflictForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("Address name"),
        max_length=50,
        required=False,
        help_text=_(
            "Letters, digits, - and _; used in the conflict's address. Left empty, it is made "
            "from the name."
        ),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SideForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    role = forms.ChoiceField(
        label=_("Role"), choices=SideRole.choices, initial=SideRole.BELLIGERENT
    )
    country_code = CountryField()

    def values(self) -> SideDetails:
        """side_save's name, role and country."""
        data = self.cleaned_data
        return {"name": data["name"], "role": data["role"], "country": data["country_code"]}


class SideRowForm(SideForm):
    """A side named with a new conflict; a row left empty adds none."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.update(empty_permitted=True, use_required_attribute=False)
        super().__init__(*args, **kwargs)

    def has_changed(self) -> bool:
        """A name or a country typed; the role drawn already does not make a side of a row."""
        return any(self[name].data not in (None, "") for name in ("name", "country_code"))


class PartyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    short_name = forms.CharField(label=_("Short name"), max_length=80, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=PartyKind.choices)
    country_code = CountryField()
    side = IsolatedChoiceField(label=_("Side"), queryset=Side.objects.none())

    def __init__(self, *args: Any, conflict: Conflict, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        side_field = self.fields["side"]
        assert isinstance(side_field, forms.ModelChoiceField)
        side_field.queryset = Side.objects.filter(conflict=conflict).order_by("role", "name")


# A new party's likely kind: a belligerent speaks through its ministries, a third party is
# mostly an international body.
USUAL_KIND: dict[str, PartyKind] = {
    SideRole.BELLIGERENT: PartyKind.MINISTRY,
    SideRole.THIRD_PARTY: PartyKind.ORGANISATION,
}


class SidePartyForm(PartyForm):
    """A new party from its side's card: the side is the card's, the kind the one usual for the
    side's role, the country the side's."""

    def __init__(self, *args: Any, side: Side, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"party-{side.pk}")  # one form per card: ids stay unique
        initial = {"kind": USUAL_KIND.get(side.role), "country_code": side.country_code}
        super().__init__(*args, initial=initial, **kwargs)
        del self.fields["side"]
        self.party_side = side


class AliasForm(forms.Form):
    party = IsolatedChoiceField(label=_("Party"), queryset=Party.objects.none())
    text = forms.CharField(label=_("Alias"), max_length=200)
    language = forms.CharField(
        label=_("Language (BCP 47)"),
        max_length=16,
        required=False,
        help_text=_("e.g. en, ru, hy, az, ar; empty if any."),
    )
    is_metonym = forms.BooleanField(
        label=_("A place standing for the party (e.g. “Baku”)"), required=False
    )

    def __init__(self, *args: Any, conflict: Conflict, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        party_field = self.fields["party"]
        assert isinstance(party_field, forms.ModelChoiceField)
        party_field.queryset = Party.objects.filter(alignments__side__conflict=conflict).order_by(
            "name"
        )
        # From a party's row: its alias is next (autofocus, which a #fragment would cancel).
        if self.initial.get("party") and not self.is_bound:
            self.fields["text"].widget.attrs["autofocus"] = True


class AliasTestForm(forms.Form):
    text = forms.CharField(
        label=_("Text to test"),
        max_length=TEST_TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
        help_text=_("Paste a passage; the conflict's aliases it contains are highlighted."),
    )
