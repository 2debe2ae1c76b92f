"""Query-parameter fields shared by the pages, the API and the exports, so a value means the same
and a bad one gets the same words wherever it is sent. Parsed strictly: what the OpenAPI
document declares is what they take (tracker.api.schema.form_parameters)."""

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from tracker.selectors.incident_queries import Bbox
from tracker.services.errors import UNPROCESSABLE
from tracker.text.bidi import isolate

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_ID = 2**63 - 1  # PostgreSQL's bigint
_NUMBER = r"-?[0-9]{1,3}(\.[0-9]{1,12})?"
BBOX_PATTERN = rf"^{_NUMBER},{_NUMBER},{_NUMBER},{_NUMBER}$"
_BBOX = re.compile(BBOX_PATTERN)
ChoicesSource = Iterable[tuple[Any, Any]] | Callable[[], Iterable[tuple[Any, Any]]]


def is_id(value: str) -> bool:
    """ASCII digits within bigint: str.isdigit() and int() also take "²" or "٣"."""
    return value.isascii() and value.isdigit() and int(value) <= MAX_ID


def _id(value: str) -> int:
    if not is_id(value):
        raise forms.ValidationError(_("An id: digits 0-9 only."), code="invalid")
    return int(value)


class IdField(forms.CharField):
    """One id, or None when empty."""

    def clean(self, value: Any) -> int | None:
        cleaned = super().clean(value)
        return None if cleaned in (None, "") else _id(cleaned)


def _with_any(
    any_label: "StrOrPromise", choices: ChoicesSource
) -> Callable[[], list[tuple[Any, Any]]]:
    """CHOICES (read when the page is drawn) after an "any" choice of empty value."""

    def read() -> list[tuple[Any, Any]]:
        return [("", any_label), *(choices() if callable(choices) else choices)]

    return read


class AnyOrSomeSelect(forms.Select):
    """One drop-down with an "any" choice on the page, while the query string may repeat the
    parameter (`type=a&type=b`, any of them): every non-empty value is read."""

    def value_from_datadict(self, data: Mapping[str, Any], files: Any, name: str) -> list[str]:
        getlist = getattr(data, "getlist", None)
        values = getlist(name) if getlist is not None else [data.get(name)]
        return [value for value in values if value not in (None, "")]


class AnyOfField(forms.MultipleChoiceField):
    """Any of these values of a TextChoices; none given: no filter."""

    def __init__(self, *, choices: ChoicesSource, any_label: "StrOrPromise", **kwargs: Any) -> None:
        super().__init__(choices=choices, required=False, widget=AnyOrSomeSelect, **kwargs)
        self.widget.choices = _with_any(any_label, choices)

    def clean(self, value: Any) -> tuple[str, ...]:
        return tuple(super().clean(value))


class AnyIdField(forms.Field):
    """Any of these ids (digits only); the page offers CHOICES, read when it is drawn."""

    def __init__(self, *, choices: ChoicesSource, any_label: "StrOrPromise", **kwargs: Any) -> None:
        # Django 5 widgets take callable choices (read when drawn); the stubs do not know it yet.
        widget = AnyOrSomeSelect(choices=_with_any(any_label, choices))  # type: ignore[arg-type]
        super().__init__(required=False, widget=widget, **kwargs)

    def clean(self, value: Any) -> tuple[int, ...]:
        return tuple(_id(str(item)) for item in value or ())


class ConflictField(forms.CharField):
    """A conflict's id (digits) or slug; one naming nothing matches nothing."""

    def __init__(
        self, *, choices: ChoicesSource = (), any_label: "StrOrPromise" = "", **kwargs: Any
    ) -> None:
        kwargs.setdefault("required", False)
        choices_now = _with_any(any_label, choices)  # callable: see AnyIdField
        super().__init__(widget=forms.Select(choices=choices_now), **kwargs)  # type: ignore[arg-type]

    def clean(self, value: Any) -> int | str | None:
        text = super().clean(value)
        if not text:
            return None
        return int(text) if is_id(text) else text


def _is_true(value: Any) -> bool:
    return str(value).lower() in ("true", "1")


class FlagCheckbox(forms.CheckboxInput):
    """A checkbox that sends `true` and hands the field the raw value, so a bad one is
    reported rather than read as checked."""

    def __init__(self) -> None:
        super().__init__(attrs={"value": "true"}, check_test=_is_true)

    def value_from_datadict(self, data: Mapping[str, Any], files: Any, name: str) -> Any:
        return data.get(name)


class FlagField(forms.Field):
    """true or false (1 or 0); absent or empty is false."""

    widget = FlagCheckbox

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def clean(self, value: Any) -> bool:
        text = str(value or "").lower()
        if text in ("", "false", "0"):
            return False
        if _is_true(text):
            return True
        raise forms.ValidationError(_("true or false."), code="invalid")


def utc(moment: datetime) -> datetime:
    """MOMENT in UTC (a time without offset is taken as the site's): PostgreSQL refuses
    offsets beyond ±15:59 that Python accepts."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError) as exc:
        raise forms.ValidationError(
            _("Out of the range of dates we can compare."), code="invalid"
        ) from exc


class UtcDateTimeField(forms.CharField):
    """An ISO 8601 time, in UTC."""

    def clean(self, value: Any) -> datetime | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            moment = parse_datetime(text.strip())
        except ValueError:
            moment = None
        if moment is None:
            raise forms.ValidationError(_("Enter a valid date/time."), code="invalid")
        return utc(moment)


class DateOrTimeField(forms.CharField):
    """A day (2024-05-31, a whole UTC day) or an ISO 8601 time (2024-05-31T08:00:00Z)."""

    widget = forms.DateInput(attrs={"type": "date"})

    def clean(self, value: Any) -> date | datetime | None:
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        try:
            day = parse_date(text) if len(text) <= 10 else None
            moment = None if day else parse_datetime(text)
        except ValueError:
            day = moment = None
        if day is not None:
            return day
        if moment is None:
            raise forms.ValidationError(
                _("A day (2024-05-31) or an ISO 8601 time (2024-05-31T08:00:00Z)."),
                code="invalid",
            )
        return utc(moment)


class BboxField(forms.CharField):
    """west,south,east,north in degrees; west east of east crosses the antimeridian."""

    def clean(self, value: Any) -> Bbox | None:
        text = super().clean(value)
        if not text:
            return None
        if not _BBOX.fullmatch(text):
            raise forms.ValidationError(_("Give west,south,east,north in degrees."), code="invalid")
        west, south, east, north = (float(part) for part in text.split(","))
        if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
            raise forms.ValidationError(
                _("Out of range: longitudes ±180, latitudes ±90, south ≤ north."),
                code=UNPROCESSABLE,
            )
        return Bbox(west=west, south=south, east=east, north=north)


class IsolatedChoiceField(forms.ModelChoiceField):
    """Options labelled between FSI and PDI (by name where the row has one): an <option> holds
    no <bdi>, and a name with a right-to-left override must not reorder the rest of the list."""

    def label_from_instance(self, obj: Any) -> str:
        return isolate(getattr(obj, "name", None) or obj)
