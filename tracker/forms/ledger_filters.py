"""The conflict ledgers' filters as GET parameters: the page, its downloads and the API read
them through this one form, so a bad value gets the same words everywhere."""

from collections.abc import Mapping
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from tracker.enums import IncidentType, LedgerZoom
from tracker.forms.fields import IsolatedChoiceField
from tracker.models import Conflict, Party
from tracker.selectors.ledgers import LedgerFilters

PARAMS = ("from", "to", "party", "type", "zoom")


class LedgerFilterForm(forms.Form):
    date_from = forms.DateField(
        required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"})
    )
    party = IsolatedChoiceField(
        Party.objects.none(), required=False, empty_label=_("Every party"), label=_("Party")
    )
    type = forms.ChoiceField(
        choices=[("", _("Every type")), *IncidentType.choices], required=False, label=_("Type")
    )
    zoom = forms.ChoiceField(choices=LedgerZoom.choices, required=False, label=_("Count by"))

    def __init__(self, data: Mapping[str, str], *, conflict: Conflict) -> None:
        # The URL says from/to (short, as in the API); the fields keep Python names.
        renamed = {"date_from": data.get("from", ""), "date_to": data.get("to", "")}
        renamed.update({key: data.get(key, "") for key in ("party", "type", "zoom")})
        super().__init__(renamed)
        cast(forms.ModelChoiceField, self.fields["party"]).queryset = Party.objects.filter(
            alignments__side__conflict=conflict
        ).order_by("name")

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self, *, published_only: bool) -> LedgerFilters:
        """The valid filters (call after is_valid())."""
        data = self.cleaned_data
        return LedgerFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            party=data.get("party"),
            incident_type=IncidentType(data["type"]) if data.get("type") else None,
            zoom=LedgerZoom(data["zoom"]) if data.get("zoom") else LedgerZoom.WEEK,
            published_only=published_only,
        )

    def error_text(self) -> str:
        """Every error in words, naming the parameter as the URL spells it."""
        names = {"date_from": "from", "date_to": "to"}
        return "; ".join(
            f"{names.get(field, field)}: {' '.join(str(e) for e in errors)}"
            for field, errors in self.errors.items()
        )
