"""Forms of the editorial pages. Each edit form carries the version it was read at, so a save
from a stale form is refused with a message instead of overwriting someone's change."""

from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import dateformat
from django.utils.translation import gettext_lazy as _

from tracker.enums import Aspect, CounterclaimRelation, ProposalState, SideRole, Verdict
from tracker.forms.building import PRECISION_HELP, precision_of
from tracker.models import Claim, Incident, Side, Statement
from tracker.selectors.incident_page import merge_targets
from tracker.services.common import local_from_utc, utc_from_local
from tracker.services.revisions import EDITABLE, Target
from tracker.text.bidi import isolate

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TIME_INPUT = forms.DateTimeInput(
    attrs={"type": "datetime-local", "step": 60}, format="%Y-%m-%dT%H:%M"
)


# The time fields typed as wall-clock in the incident's zone, with what their labels start with.
LOCAL_TIMES = {"time_start": _("Start"), "time_end": _("End"), "issued_at": _("Issued at")}


def zone_label(label: "StrOrPromise", zone: str) -> str:
    """A time field's LABEL with the zone it is typed in: "Start (local time, Asia/Yerevan)",
    or "Start (UTC)" for an incident without a zone."""
    if zone:
        return str(_("%(label)s (local time, %(zone)s)")) % {"label": label, "zone": zone}
    return str(_("%(label)s (UTC)")) % {"label": label}


def show_local_times(form: forms.ModelForm, zone: str) -> None:
    """Label FORM's time fields with the incident's ZONE ("UTC" when it has none) and open a
    stored value as its wall-clock time there, so a form saved unchanged gives back the same
    instant; the help text says what the stored value is in UTC."""
    for name, label in LOCAL_TIMES.items():
        if name not in form.fields:
            continue
        field = form.fields[name]
        field.label = zone_label(label, zone)
        moment = getattr(form.instance, name, None)
        field.help_text = _utc_help(moment, zone)
        if moment is not None and not form.is_bound:
            form.initial[name] = local_from_utc(moment, zone)


def utc_times(form: forms.ModelForm, zone: str) -> None:
    """FORM's typed times (wall-clock in ZONE) as UTC in its cleaned_data; a time a clock
    change skipped or repeated is an error beside its field."""
    for name in LOCAL_TIMES:
        if local := form.cleaned_data.get(name):
            try:
                form.cleaned_data[name] = utc_from_local(local=local, zone=zone, field=name)
            except ValidationError as error:
                form.add_error(None, error)


def _utc_help(moment: datetime | None, zone: str) -> str:
    if not zone:
        return str(_("The incident has no time zone: the time is in UTC."))
    if moment is None:
        return str(_("Kept in UTC; the grid shows both."))
    return str(_("Kept in UTC: saved now as %(utc)s UTC.")) % {
        "utc": dateformat.format(moment, "j M Y, H:i")  # the site's one format (|when)
    }


class VersionedForm(forms.ModelForm):
    """An edit form; a claim's or a statement's times are wall-clock in the incident's zone
    (show_local_times, utc_times)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        show_local_times(self, self.zone())

    def zone(self) -> str:
        """The IANA zone of the incident this row belongs to ("" for none: UTC)."""
        return ""

    def clean(self) -> dict[str, Any]:
        super().clean()
        utc_times(self, self.zone())
        return self.cleaned_data

    def changes(self) -> dict:
        """The edited fields only, for tracker.services.revisions.edit_submit."""
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}


class IncidentEditForm(VersionedForm):
    class Meta:
        model = Incident
        fields = sorted(EDITABLE[Target.INCIDENT])
        widgets = {
            "occurred_start": TIME_INPUT,
            "occurred_end": TIME_INPUT,
            "summary": forms.Textarea(attrs={"rows": 3}),
        }


class StatementEditForm(VersionedForm):
    class Meta:
        model = Statement
        fields = sorted(EDITABLE[Target.STATEMENT])
        widgets = {
            "issued_at": TIME_INPUT,
            "text": forms.Textarea(attrs={"rows": 4}),
            "translation": forms.Textarea(attrs={"rows": 3}),
        }

    def zone(self) -> str:
        return self.instance.incident.local_timezone


# The fields each aspect's claim holds, in the order a person reads the claim: whose losses
# before the figures, each minimum before its maximum, a start before its end.
ASPECT_FIELDS: dict[str, tuple[str, ...]] = {
    Aspect.INITIATOR: ("accused_side",),
    Aspect.CASUALTIES: (
        "casualty_side",
        "killed_min",
        "killed_max",
        "wounded_min",
        "wounded_max",
        "at_least",
    ),
    Aspect.TIMING: ("time_start", "time_end", "time_precision"),
    Aspect.LOCATION: ("place", "latitude", "longitude"),
}
ASPECT_VALUES = {name for names in ASPECT_FIELDS.values() for name in names} - {"at_least"}
EMPTY: dict[str, Any] = {"time_precision": "", "place": ""}


class SideChoiceField(forms.ModelChoiceField):
    """A side by its name between FSI and PDI: the conflict is the incident's, naming it again
    on every option is noise."""

    def label_from_instance(self, obj: Any) -> str:
        return isolate(obj.name)


class ClaimEditForm(VersionedForm):
    """The claim's text first, then only the values of its aspect. Changing the aspect clears the
    values of the old one (the database allows them only on their aspect)."""

    at_least = forms.BooleanField(
        label=_("“At least”: the figures are minimums, with no upper figure"), required=False
    )

    class Meta:
        model = Claim
        fields = sorted(EDITABLE[Target.CLAIM])
        widgets = {
            "time_start": TIME_INPUT,
            "time_end": TIME_INPUT,
            "text": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "accused_side": _("Who started it, the claim says"),
            "casualty_side": _("Whose losses"),
            "killed_min": _("Killed, at least"),
            "killed_max": _("Killed, at most"),
            "wounded_min": _("Wounded, at least"),
            "wounded_max": _("Wounded, at most"),
        }
        field_classes = {"accused_side": SideChoiceField, "casualty_side": SideChoiceField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        claim = self.instance
        _show_aspect(self, ["text", "aspect"], claim.aspect, claim.statement.incident, ["version"])
        if not self.is_bound and claim.aspect == Aspect.CASUALTIES:
            self.initial["at_least"] = (
                claim.killed_min is not None or claim.wounded_min is not None
            ) and (claim.killed_max is None and claim.wounded_max is None)

    def zone(self) -> str:
        return self.instance.statement.incident.local_timezone

    def clean(self) -> dict[str, Any]:
        return _at_least(super().clean, self.cleaned_data)

    def changes(self) -> dict:
        fields = {
            name: self.cleaned_data[name] for name in self.fields if name in EDITABLE[Target.CLAIM]
        }
        if fields.get("aspect", self.instance.aspect) != self.instance.aspect:
            # Values of the old aspect would be refused on the new one: clear them.
            for name in ASPECT_VALUES - set(ASPECT_FIELDS.get(fields["aspect"], ())):
                fields[name] = EMPTY.get(name)
        return fields


class StatementChoiceField(forms.ModelChoiceField):
    """Options that tell a side's statements apart: party, issue time (UTC), the text's start;
    names and text between FSI and PDI (an <option> holds no <bdi>)."""

    def label_from_instance(self, obj: Any) -> str:
        issued = dateformat.format(obj.issued_at, "j M Y, H:i") if obj.issued_at else "—"
        return f"{isolate(obj.party.name)} · {issued} · {isolate(obj.text[:80])}"


class ClaimAddForm(forms.ModelForm):
    """A claim from a grid cell: the cell tells the side and the aspect, so the form asks the
    claim's text, which of the side's statements (chosen already: its latest) and only that
    aspect's values, with the likely answer chosen: the other belligerent for who started it,
    the speaking side for whose losses. Times are wall-clock in the incident's zone (UTC when
    it has none), as on the edit form: claim_create_reported keeps them in UTC."""

    statement = StatementChoiceField(queryset=Statement.objects.none(), label=_("Statement"))
    at_least = ClaimEditForm.base_fields["at_least"]

    class Meta:
        model = Claim
        fields = ["statement", "text", *sorted(ASPECT_VALUES)]
        widgets = ClaimEditForm.Meta.widgets
        labels = {**ClaimEditForm.Meta.labels, "text": _("Claim")}
        field_classes = ClaimEditForm.Meta.field_classes

    def __init__(
        self, *args: Any, incident: Incident, side: Side, aspect: Aspect, **kwargs: Any
    ) -> None:
        kwargs["instance"] = Claim(aspect=aspect)
        super().__init__(*args, **kwargs)
        statements = Statement.objects.filter(
            incident=incident, party__alignments__side=side
        ).select_related("party")
        cast(forms.ModelChoiceField, self.fields["statement"]).queryset = statements.order_by(
            "issued_at", "id"
        )
        _show_aspect(self, ["text", "statement"], aspect, incident, [])
        show_local_times(self, incident.local_timezone)
        if "time_precision" in self.fields:
            self.fields["time_precision"].help_text = PRECISION_HELP
        own = list(statements.order_by("-issued_at", "-id")[:1])
        others = Side.objects.filter(conflict=incident.conflict_id, role=SideRole.BELLIGERENT)
        other = list(others.exclude(pk=side.pk)[:2])
        self.initial.update(
            {
                "statement": own[0].pk if own else None,  # the side's latest statement
                "accused_side": other[0].pk if len(other) == 1 else None,
                "casualty_side": side.pk,
            }
        )

    def clean(self) -> dict[str, Any]:
        data = _at_least(super().clean, self.cleaned_data)
        if data.get("time_start") and not data.get("time_precision"):
            data["time_precision"] = precision_of(data["time_start"])
        return data

    def values(self) -> dict[str, Any]:
        """The aspect's values, for claim_create."""
        return {name: self.cleaned_data[name] for name in self.fields if name in ASPECT_VALUES}


class StatementClaimForm(ClaimAddForm):
    """One aspect's row of a new statement: the claim the statement makes on that aspect, with
    only that aspect's values. A row left as it was drawn creates nothing."""

    def __init__(
        self, *args: Any, incident: Incident, side: Side, aspect: Aspect, **kwargs: Any
    ) -> None:
        super().__init__(
            *args,
            incident=incident,
            side=side,
            aspect=aspect,
            prefix=aspect.value,
            empty_permitted=True,
            use_required_attribute=False,
            **kwargs,
        )
        del self.fields["statement"]
        self.aspect = aspect

    def has_changed(self) -> bool:
        """Something typed: the claim's text or a value. The choices drawn already (the
        accused side, whose losses, a precision, "at least") do not make a claim of a row."""
        chosen = ("accused_side", "casualty_side", "time_precision", "at_least")
        return any(self[name].data not in (None, "") for name in self.fields if name not in chosen)

    def claim(self) -> dict[str, Any] | None:
        """The claim's text and values for statement_create_with_claims; None for an empty row."""
        if not self.has_changed():
            return None
        return {"text": self.cleaned_data["text"], **self.values()}


def _show_aspect(
    form: forms.ModelForm, first: list[str], aspect: str, incident: Incident, last: list[str]
) -> None:
    """Keep FIRST, ASPECT's values and LAST, in that order; the sides offered are the
    incident's conflict's."""
    for name in ("accused_side", "casualty_side"):
        cast(forms.ModelChoiceField, form.fields[name]).queryset = Side.objects.filter(
            conflict=incident.conflict_id
        )
    order = [*first, *ASPECT_FIELDS.get(aspect, ()), *last]
    form.fields = {name: form.fields[name] for name in order}


def _at_least(clean: Any, data: dict[str, Any]) -> dict[str, Any]:
    # A minimum above its maximum, or an end before its start, is refused by the model's
    # constraints with their own messages.
    clean()
    if data.get("at_least"):
        data["killed_max"] = data["wounded_max"] = None
    return data


class VerdictForm(forms.Form):
    verdict = forms.ChoiceField(choices=Verdict.choices, label=_("Verdict"))
    note = forms.CharField(
        required=False,
        label=_("Why (shown with the verdict)"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class RetractForm(forms.Form):
    note = forms.CharField(
        label=_("Why is it retracted?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required. Shown to readers and sent to API consumers."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class MergeForm(forms.Form):
    """The target is picked from a search (merge_target_search); the field checks the pick is
    still an allowed target (merge_targets) when the form comes back."""

    target = forms.ModelChoiceField(
        queryset=Incident.objects.none(),
        label=_("Merge this incident into"),
        error_messages={
            "required": _("Choose the incident to merge into: search by title, place or date."),
            "invalid_choice": _(
                "That incident cannot be a target: it is this one, merged away, retracted, "
                "or of another conflict."
            ),
        },
    )
    note = forms.CharField(required=False, label=_("Note"))

    def __init__(self, *args: Any, incident: Incident, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["target"]).queryset = merge_targets(
            incident=incident
        )


class ClaimChoiceField(forms.ModelChoiceField):
    """Options that say whose claim it is; names and text between FSI and PDI (an <option>
    holds no <bdi>)."""

    def label_from_instance(self, obj: Any) -> str:
        party = obj.statement.party
        return f"{isolate(party.short_name or party.name)}: {isolate(obj.text[:120])}"


class CounterclaimProposeForm(forms.Form):
    """Pair a claim with a claim of another side on the same aspect. OTHERS are the eligible
    claims (tracker.selectors.counterclaims), so a choice the database would refuse is not
    offered, and one posted anyway is refused by name."""

    other = ClaimChoiceField(
        queryset=Claim.objects.none(),
        label=_("The other side's claim"),
        error_messages={
            "required": _("Choose the other side's claim."),
            "invalid_choice": _(
                "That claim cannot be paired with this one: it must be another side's claim on "
                "the same aspect of this incident, not already paired with it."
            ),
        },
    )
    relation = forms.ChoiceField(
        label=_("Relation"),
        choices=CounterclaimRelation.choices,
        initial=CounterclaimRelation.CONTRADICTS,
    )
    reason = forms.CharField(
        label=_("Why (for the editor who confirms)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the two claims relate so.")},
    )

    def __init__(self, *args: Any, others: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["other"]).queryset = others
        only = list(others.values_list("pk", flat=True)[:2])
        if len(only) == 1:  # the one claim it can be paired with: chosen already
            self.initial["other"] = only[0]


class CounterclaimDecideForm(forms.Form):
    """An editor's decision on a proposed pair; the relation may be corrected on the way."""

    decision = forms.ChoiceField(
        choices=[(ProposalState.CONFIRMED, _("Confirm")), (ProposalState.DISMISSED, _("Dismiss"))],
        error_messages={"required": _("Confirm or dismiss.")},
    )
    relation = forms.ChoiceField(label=_("Relation"), choices=CounterclaimRelation.choices)
