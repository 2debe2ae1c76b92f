"""The inbox's correction forms: what an editor may change in a proposal before accepting it
(the passage, the aspect, the text, the structured values), checked here so a bad value comes
back as a sentence beside its field, never as an error page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from tracker.enums import Aspect, Channel, CounterclaimRelation, ProposalKind, TimePrecision
from tracker.forms.editorial import zone_label
from tracker.models import Party, Proposal, Side
from tracker.selectors.enrichment import proposal_zone


class ProposalCorrectionForm(forms.Form):
    """Blank fields keep what enrichment proposed; only the fields of the proposal's kind (and,
    for values, of the chosen aspect: tracker.services.enrichment.STRUCTURED) are used."""

    # Statements and claims: the cited passage, in characters of the source's text.
    start_offset = forms.IntegerField(required=False, min_value=0, label=_("Passage starts at"))
    end_offset = forms.IntegerField(required=False, min_value=1, label=_("Passage ends at"))
    text = forms.CharField(required=False, label=_("Text"))
    # Statements.
    party_id = forms.ModelChoiceField(
        queryset=Party.objects.none(), required=False, label=_("Party")
    )
    channel = forms.ChoiceField(
        choices=[("", "—"), *Channel.choices], required=False, label=_("Channel")
    )
    # Claims.
    aspect = forms.ChoiceField(choices=[("", "—"), *Aspect.choices], required=False)
    accused_side = forms.ChoiceField(required=False, label=_("Blames"))
    # Wall-clock in the incident's zone (labelled in __init__); the service keeps them in UTC.
    time_start = forms.DateTimeField(required=False)
    time_end = forms.DateTimeField(required=False)
    time_precision = forms.ChoiceField(
        choices=[("", "—"), *TimePrecision.choices], required=False, label=_("Precision")
    )
    place = forms.CharField(required=False, max_length=300, label=_("Place"))
    killed_min = forms.IntegerField(required=False, min_value=0, label=_("Killed, at least"))
    killed_max = forms.IntegerField(required=False, min_value=0, label=_("Killed, at most"))
    wounded_min = forms.IntegerField(required=False, min_value=0, label=_("Wounded, at least"))
    wounded_max = forms.IntegerField(required=False, min_value=0, label=_("Wounded, at most"))
    casualty_side = forms.ChoiceField(required=False, label=_("Whose casualties"))
    # Counterclaims.
    relation = forms.ChoiceField(
        choices=[("", "—"), *CounterclaimRelation.choices], required=False, label=_("Relation")
    )
    # Incidents.
    incident_id = forms.CharField(required=False, label=_("Incident"))
    title = forms.CharField(required=False, max_length=300, label=_("Title of a new incident"))

    VALUES = (
        "accused_side",
        "time_start",
        "time_end",
        "time_precision",
        "place",
        "killed_min",
        "killed_max",
        "wounded_min",
        "wounded_max",
        "casualty_side",
    )
    FIELDS = {
        ProposalKind.INCIDENT: ("incident_id", "title"),
        ProposalKind.STATEMENT: ("party_id", "channel", "text", "start_offset", "end_offset"),
        ProposalKind.CLAIM: ("aspect", "text", "start_offset", "end_offset", *VALUES),
        ProposalKind.COUNTERCLAIM: ("relation",),
    }

    def __init__(self, *args: Any, proposal: Proposal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        self.fields["aspect"].label = _("Aspect")
        if proposal.kind == ProposalKind.CLAIM:
            zone = proposal_zone(proposal=proposal)
            for name, label in (("time_start", _("From")), ("time_end", _("To"))):
                self.fields[name].label = zone_label(label, zone)
        party = self.fields["party_id"]
        assert isinstance(party, forms.ModelChoiceField)
        party.queryset = Party.objects.filter(alignments__isnull=False).distinct()
        party.error_messages["invalid_choice"] = _("Choose a party of a conflict.")
        sides = [("", "—"), *((name, name) for name in side_names())]
        for name in ("accused_side", "casualty_side"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = sides

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start_offset"), data.get("end_offset")
        length = len(self.proposal.source.text)
        if start is not None or end is not None:
            start = self.proposal.start_offset if start is None else start
            end = self.proposal.end_offset if end is None else end
            if start is None or end is None or not 0 <= start < end <= length:
                raise ValidationError(
                    _(
                        "The passage must start before it ends, within the source's text "
                        "(0–%(n)s characters)."
                    )
                    % {"n": length}
                )
        for low, high, what in (
            ("killed_min", "killed_max", _("killed")),
            ("wounded_min", "wounded_max", _("wounded")),
        ):
            if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
                self.add_error(
                    high, _("The most %(what)s cannot be below the least.") % {"what": what}
                )
        if (
            data.get("time_start")
            and data.get("time_end")
            and data["time_end"] < data["time_start"]
        ):
            self.add_error("time_end", _("The end cannot come before the start."))
        return data

    def corrections(self) -> dict[str, Any]:
        """The service's corrections (tracker.services.enrichment.proposal_accept): the filled
        fields of this kind of proposal, values gathered under "values"."""
        kind = ProposalKind(self.proposal.kind)
        filled = {
            name: value
            for name in self.FIELDS[kind]
            if (value := self.cleaned_data.get(name)) not in (None, "")
        }
        if isinstance(party := filled.get("party_id"), Party):
            filled["party_id"] = party.pk
        if kind == ProposalKind.INCIDENT and filled.get("incident_id") == "new":
            return {"new": True, **({"title": filled["title"]} if "title" in filled else {})}
        values = {name: filled.pop(name) for name in self.VALUES if name in filled}
        return {**filled, **({"values": values} if values else {})}

    def error_text(self) -> str:
        """Every error as one line of sentences, each field named by its label."""
        lines: list[str] = []
        for name, errors in self.errors.items():
            label = "" if name == "__all__" else f"{self.fields[name].label}: "
            lines.extend(f"{label}{error}" for error in errors)
        return " ".join(lines)


class BulkDismissForm(forms.Form):
    proposal = forms.TypedMultipleChoiceField(coerce=int, required=False)
    reason = forms.CharField(max_length=500, required=False, label=_("Reason"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["proposal"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        # Any id: the service names those that do not exist or are already decided.
        ticked = self.data.getlist("proposal") if isinstance(self.data, QueryDict) else []
        field.choices = [(value, value) for value in ticked]
        field.error_messages["invalid_choice"] = _("%(value)s is not a proposal number.")


def side_names() -> list[str]:
    """Side names offered for a claim's values: enrichment matches sides by name within the
    incident's conflict (which a proposal only knows once accepted)."""
    return sorted(set(Side.objects.values_list("name", flat=True)), key=str.casefold)
