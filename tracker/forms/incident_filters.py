"""The one parser of incident queries: the list page renders it, the API and every feed and
export validate their query parameters with it, so each door takes the same names, values and
error messages and turns them into the same IncidentCriteria (docs/api.md, "Filters")."""

from dataclasses import fields
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tracker.enums import Aspect, DisputeStatus, EditorialState, IncidentType, Verdict
from tracker.forms.fields import (
    AnyIdField,
    AnyOfField,
    BboxField,
    ConflictField,
    DateOrTimeField,
    FlagField,
)
from tracker.models import Conflict, Party, Side
from tracker.selectors.incident_queries import IncidentCriteria, range_end, range_start
from tracker.services.errors import UNPROCESSABLE
from tracker.text.bidi import isolate

SORTS = {
    "newest": _("Newest first"),
    "oldest": _("Oldest first"),
    "updated": _("Recently changed"),
}


# Option labels are isolated (tracker.text.bidi): an <option> holds no <bdi>.
def _conflicts() -> list[tuple[int, str]]:
    return [
        (pk, isolate(name))
        for pk, name in Conflict.objects.order_by("name").values_list("pk", "name")
    ]


def _parties() -> list[tuple[int, str]]:
    return [
        (pk, isolate(name)) for pk, name in Party.objects.order_by("name").values_list("pk", "name")
    ]


def _sides() -> list[tuple[int, str]]:
    return [
        (pk, f"{isolate(side)} ({isolate(conflict)})")
        for pk, side, conflict in Side.objects.order_by("conflict__name", "name").values_list(
            "pk", "name", "conflict__name"
        )
    ]


class IncidentQueryForm(forms.Form):
    """Every incident filter, as query parameters. Repeating a parameter means any of its
    values; a bad value is named with the reason, and the valid ones still parse."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Full text of title, summary and place (websearch syntax)."),
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _('e.g. shelling "Tavush"')}
        ),
    )
    conflict = ConflictField(
        choices=_conflicts,
        any_label=_("Any conflict"),
        label=_("Conflict"),
        help_text=_("Conflict id or slug."),
    )
    party = AnyIdField(
        choices=_parties,
        any_label=_("Any party"),
        label=_("Party spoke"),
        help_text=_("Party id: it made a statement."),
    )
    side = AnyIdField(
        choices=_sides,
        any_label=_("Any side"),
        label=_("Side spoke"),
        help_text=_("Side id: a party of this side made a statement."),
    )
    type = AnyOfField(choices=IncidentType.choices, any_label=_("Any type"), label=_("Type"))
    state = AnyOfField(
        choices=EditorialState.choices,
        any_label=_("Any state"),
        label=_("State"),
        help_text=_("Staff only; everyone else always gets the published set."),
    )
    verdict = AnyOfField(
        choices=Verdict.choices,
        any_label=_("Any verdict"),
        label=_("Verdict"),
        help_text=_("Has a claim with this verdict."),
    )
    aspect = AnyOfField(
        choices=Aspect.choices,
        any_label=_("Any aspect"),
        label=_("Aspect"),
        help_text=_("Has a claim about this aspect."),
    )
    dispute = AnyOfField(
        choices=DisputeStatus.choices,
        any_label=_("Any dispute status"),
        label=_("Dispute"),
        help_text=_("The derived dispute status."),
    )
    occurred_from = DateOrTimeField(
        required=False,
        label=_("From"),
        help_text=_("Occurred at or after: a day (UTC) or an ISO 8601 time."),
    )
    occurred_to = DateOrTimeField(
        required=False,
        label=_("To"),
        help_text=_("Occurred at or before: a day (UTC, the whole day) or an ISO 8601 time."),
    )
    bbox = BboxField(
        required=False,
        label=_("Map box"),
        help_text=_("west,south,east,north in degrees."),
        widget=forms.TextInput(attrs={"placeholder": "44.5,38.5,47,41.5"}),
    )
    uncited = FlagField(
        label=_("Has uncited claims"), help_text=_("Has a claim without any citation.")
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("occurred_from"), data.get("occurred_to")
        if start and end and range_start(start) > range_end(end):
            self.add_error(
                "occurred_to",
                forms.ValidationError(
                    _("The end date is before the start date."), code=UNPROCESSABLE
                ),
            )
        return data

    def criteria(self) -> IncidentCriteria:
        """What the valid fields ask for (call after is_valid(); an invalid one does not
        filter)."""
        data = self.cleaned_data
        return IncidentCriteria(
            **{
                name: data[name]
                for name in (field.name for field in fields(IncidentCriteria))
                if data.get(name) not in (None, "")
            }
        )


class IncidentFilterForm(IncidentQueryForm):
    """The incident list page: the filters, and the order of the rows."""

    sort = forms.ChoiceField(choices=list(SORTS.items()), required=False, label=_("Sort"))

    def __init__(self, *args: Any, published_only: bool = False, **kwargs: Any) -> None:
        """PUBLISHED_ONLY (a reader who sees the published set only) has no State filter: the
        field is not offered, and a `state` in the address is ignored."""
        super().__init__(*args, **kwargs)
        if published_only:
            del self.fields["state"]
