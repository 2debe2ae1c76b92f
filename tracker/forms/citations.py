"""The cite-by-selection form of the source page."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tracker.enums import Aspect, CitationTarget
from tracker.models import Claim, Statement


class CitationForm(forms.Form):
    """A passage of the source (its exact text and code-point offset, filled in by selecting it)
    cited for an existing claim or for a new claim of one of the incident's statements."""

    excerpt = forms.CharField(
        label=_("Selected passage"),
        strip=False,  # the excerpt must be the source text byte for byte
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Select a passage in the text (or type it here) to cite it."),
        },
    )
    # Code points from the start of the text; empty when the passage was typed, not selected
    # (then its first occurrence is cited).
    start_offset = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    target = forms.ChoiceField(
        label=_("Cite it for"),
        choices=CitationTarget.choices,
        initial=CitationTarget.CLAIM,
        widget=forms.RadioSelect,
    )
    claim = forms.ModelChoiceField(
        label=_("Claim"),
        queryset=Claim.objects.all(),
        required=False,
        error_messages={"invalid_choice": _("That claim no longer exists.")},
    )
    statement = forms.ModelChoiceField(
        label=_("Statement"),
        queryset=Statement.objects.all(),
        required=False,
        error_messages={"invalid_choice": _("That statement no longer exists.")},
    )
    aspect = forms.ChoiceField(
        label=_("Aspect"), choices=[("", "—"), *Aspect.choices], required=False
    )
    claim_text = forms.CharField(
        label=_("The claim, in a sentence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("target") == CitationTarget.NEW_CLAIM:
            for name, message in (
                ("statement", _("Choose the statement the new claim is part of.")),
                ("aspect", _("Choose what the new claim is about.")),
                ("claim_text", _("Write the claim.")),
            ):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, message)
        elif not data.get("claim") and "claim" not in self.errors:
            self.add_error("claim", _("Choose the claim this passage supports."))
        return data

    @property
    def creates_claim(self) -> bool:
        return self.cleaned_data.get("target") == CitationTarget.NEW_CLAIM
