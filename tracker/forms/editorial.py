"""Forms of the editorial pages. Each edit form carries the version it was read at, so a save
from a stale form is refused with a message instead of overwriting someone's change."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from tracker.enums import Verdict
from tracker.models import Claim, Incident, Side, Statement
from tracker.selectors.incident_page import merge_targets
from tracker.services.revisions import EDITABLE, Target

UTC_INPUT = forms.DateTimeInput(
    attrs={"type": "datetime-local", "step": 60}, format="%Y-%m-%dT%H:%M"
)


class VersionedForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    def changes(self) -> dict:
        """The edited fields only, for tracker.services.revisions.edit_submit."""
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}


class IncidentEditForm(VersionedForm):
    class Meta:
        model = Incident
        fields = sorted(EDITABLE[Target.INCIDENT])
        widgets = {
            "occurred_start": UTC_INPUT,
            "occurred_end": UTC_INPUT,
            "summary": forms.Textarea(attrs={"rows": 3}),
        }


class StatementEditForm(VersionedForm):
    class Meta:
        model = Statement
        fields = sorted(EDITABLE[Target.STATEMENT])
        widgets = {
            "issued_at": UTC_INPUT,
            "text": forms.Textarea(attrs={"rows": 4}),
            "translation": forms.Textarea(attrs={"rows": 3}),
        }


class ClaimEditForm(VersionedForm):
    class Meta:
        model = Claim
        fields = sorted(EDITABLE[Target.CLAIM])
        widgets = {
            "time_start": UTC_INPUT,
            "time_end": UTC_INPUT,
            "text": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        conflict = self.instance.statement.incident.conflict
        for name in ("accused_side", "casualty_side"):
            cast(forms.ModelChoiceField, self.fields[name]).queryset = Side.objects.filter(
                conflict=conflict
            )


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
