from django import forms
from django.utils.translation import gettext_lazy as _

from tracker.enums import DisputeStatus, EditorialState, IncidentType
from tracker.forms.fields import IsolatedChoiceField
from tracker.models import Conflict, Party

SORTS = {
    "newest": _("Newest first"),
    "oldest": _("Oldest first"),
    "updated": _("Recently changed"),
}


def _any(label: str, choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", label), *choices]


class IncidentFilterForm(forms.Form):
    """The incident list's search box and filters, as GET parameters."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _('e.g. shelling "Tavush"')}
        ),
    )
    conflict = IsolatedChoiceField(
        Conflict.objects.all(), required=False, empty_label=_("Any conflict"), label=_("Conflict")
    )
    party = IsolatedChoiceField(
        Party.objects.all(), required=False, empty_label=_("Any party"), label=_("Party spoke")
    )
    type = forms.ChoiceField(
        choices=_any(_("Any type"), IncidentType.choices), required=False, label=_("Type")
    )
    state = forms.ChoiceField(
        choices=_any(_("Any state"), EditorialState.choices), required=False, label=_("State")
    )
    dispute = forms.ChoiceField(
        choices=_any(_("Any dispute status"), DisputeStatus.choices),
        required=False,
        label=_("Dispute"),
    )
    occurred_from = forms.DateField(
        required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    occurred_to = forms.DateField(
        required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"})
    )
    uncited = forms.BooleanField(required=False, label=_("Has uncited claims"))
    sort = forms.ChoiceField(choices=list(SORTS.items()), required=False, label=_("Sort"))

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("occurred_from"), data.get("occurred_to")
        if start and end and start > end:
            self.add_error("occurred_to", _("The end date is before the start date."))
        return data
