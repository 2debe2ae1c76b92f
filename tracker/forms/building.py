"""Forms that build an incident in the app: the incident with its time as reported, a statement
from a grid cell, and a source by address or by pasted text. They read and check what was
typed; the services convert times to UTC and write."""

import zoneinfo
from datetime import datetime
from typing import Any, cast

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from tracker.enums import Channel, IncidentType, TimePrecision, TranslationKind
from tracker.forms.fields import IsolatedChoiceField
from tracker.models import Conflict, Outlet, Party

WEB_ADDRESS = URLValidator(
    schemes=["http", "https"],
    message=_("An address starting with http:// or https://."),
    code="scheme",  # not "invalid", which the field would replace with its generic message
)
LOCAL_INPUT = forms.DateTimeInput(
    attrs={"type": "datetime-local", "step": 60}, format="%Y-%m-%dT%H:%M"
)
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


def precision_of(local: datetime) -> TimePrecision:
    """The precision a wall-clock time implies when the person leaves it to the form: a time
    to the minute is exact, one on the hour is to the hour, midnight is the day."""
    if local.minute:
        return TimePrecision.EXACT
    return TimePrecision.HOUR if local.hour else TimePrecision.DAY


PRECISION_HELP = _(
    "Left empty, read from the time: exact for 00:05, to the hour for 14:00, to the day for 00:00."
)


def _zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class ZoneField(forms.ChoiceField):
    """An IANA zone, typed with the browser's suggestions (a datalist), checked here."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=_zone_choices,
            widget=forms.TextInput(attrs={"list": "iana-zones", "autocomplete": "off"}),
            error_messages={
                "invalid_choice": _("%(value)s is not an IANA time zone (e.g. Asia/Yerevan).")
            },
            **kwargs,
        )


class IncidentCreateForm(forms.Form):
    """A new incident in the order a reporter tells it: what, when (local time, zone,
    precision), where."""

    conflict = IsolatedChoiceField(queryset=Conflict.objects.order_by("name"), label=_("Conflict"))
    title = forms.CharField(max_length=300, label=_("Title"))
    incident_type = forms.ChoiceField(choices=IncidentType.choices, label=_("Type"))
    local_start = forms.DateTimeField(
        label=_("From (local time)"), widget=LOCAL_INPUT, input_formats=LOCAL_FORMATS
    )
    local_end = forms.DateTimeField(
        label=_("Until (local time)"),
        required=False,
        widget=LOCAL_INPUT,
        input_formats=LOCAL_FORMATS,
    )
    local_timezone = ZoneField(
        label=_("Time zone"), help_text=_("IANA name of the zone the time was given in.")
    )
    time_precision = forms.ChoiceField(
        required=False,
        choices=[("", _("From the time given")), *TimePrecision.choices],
        label=_("Precision"),
        help_text=PRECISION_HELP,
    )
    place = forms.CharField(max_length=300, required=False, label=_("Place"))
    latitude = forms.FloatField(
        required=False,
        min_value=-90,
        max_value=90,
        label=_("Latitude"),
        widget=forms.NumberInput(attrs={"step": "0.0001"}),
    )
    longitude = forms.FloatField(
        required=False,
        min_value=-180,
        max_value=180,
        label=_("Longitude"),
        widget=forms.NumberInput(attrs={"step": "0.0001"}),
    )
    summary = forms.CharField(
        required=False, label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3})
    )
    source = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("local_start"), data.get("local_end")
        if start and not data.get("time_precision"):
            data["time_precision"] = precision_of(start)
        if start and end and end < start:
            self.add_error("local_end", _("The end comes before the start."))
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error(
                "longitude" if data.get("longitude") is None else "latitude",
                _("Give both latitude and longitude, or neither."),
            )
        for name in ("latitude", "longitude"):
            if data.get(name) is not None:
                data[name] = round(data[name], 4)
        return data


class StatementAddForm(forms.Form):
    """A statement of one side, from its column of the grid: only that side's parties."""

    party = IsolatedChoiceField(queryset=Party.objects.none(), label=_("Party"))
    channel = forms.ChoiceField(
        choices=Channel.choices, initial=Channel.WEBSITE, label=_("Channel")
    )
    issued_local = forms.DateTimeField(
        required=False,
        label=_("Issued at (local time)"),
        widget=LOCAL_INPUT,
        input_formats=LOCAL_FORMATS,
    )
    issued_timezone = ZoneField(required=False, label=_("Time zone of the issue time"))
    original_url = forms.URLField(
        required=False,
        max_length=2000,
        label=_("Original URL"),
        assume_scheme="https",
        validators=[WEB_ADDRESS],
    )
    text = forms.CharField(label=_("Verbatim text"), widget=forms.Textarea(attrs={"rows": 4}))
    language = forms.CharField(
        required=False, max_length=16, label=_("Language"), help_text=_("BCP 47, e.g. hy, az, ru")
    )
    translation = forms.CharField(
        required=False, label=_("English translation"), widget=forms.Textarea(attrs={"rows": 3})
    )
    translation_kind = forms.ChoiceField(
        required=False,
        choices=[("", "—"), *TranslationKind.choices],
        label=_("Translated by"),
    )

    def __init__(self, *args: Any, parties: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["party"]).queryset = parties

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("translation") and not data.get("translation_kind"):
            self.add_error("translation_kind", _("Say who translated it: a person or a machine."))
        if data.get("translation_kind") and not data.get("translation"):
            self.add_error("translation", _("A provenance without a translation: add the text."))
        if data.get("issued_local") and not data.get("issued_timezone"):
            self.add_error("issued_timezone", _("Give the zone the issue time was given in."))
        return data


class SourceAddForm(forms.Form):
    """A source by its address (fetched and archived), or by pasting its text."""

    BY_URL, BY_TEXT = "url", "text"
    how = forms.ChoiceField(
        choices=[(BY_URL, _("Fetch the page at this address")), (BY_TEXT, _("I paste its text"))],
        initial=BY_URL,
        widget=forms.RadioSelect,
        label=_("How"),
        help_text=_("Text pasted below is the source whichever is chosen."),
    )
    url = forms.URLField(
        max_length=2000, label=_("Address (URL)"), assume_scheme="https", validators=[WEB_ADDRESS]
    )
    title = forms.CharField(required=False, max_length=1000, label=_("Title"))
    outlet = IsolatedChoiceField(
        queryset=Outlet.objects.order_by("name"),
        required=False,
        label=_("Outlet"),
        help_text=_("Found from the address when left empty."),
    )
    published_at = forms.DateTimeField(
        required=False,
        label=_("Published (UTC)"),
        widget=LOCAL_INPUT,
        input_formats=LOCAL_FORMATS,
    )
    text = forms.CharField(
        required=False,
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Pasted text is kept as the source (its first line is the title when none is "
            "given); left empty, title, outlet, date and text are read from the fetched page."
        ),
    )

    def clean(self) -> dict[str, Any]:
        """Text pasted means the text is the source, whichever way "How" was left."""
        data = super().clean() or {}
        if (data.get("text") or "").strip():
            data["how"] = self.BY_TEXT
        return data
