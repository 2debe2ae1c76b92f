"""What every API view and write serializer shares so a generated client can rely on it: ids
in paths are ASCII digits (`\\d` would also match `²` or `٣`), unknown query
parameters are a 400 naming them instead of being silently ignored, OPTIONS describes a route
without building its serializers (which some views do not have), and body fields take exactly
the JSON type the schema declares."""

from collections.abc import Mapping
from typing import Any, cast

from django.contrib.auth.models import User
from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotAuthenticated, ValidationError
from rest_framework.metadata import SimpleMetadata
from rest_framework.request import Request
from rest_framework.views import APIView

# Up to 18 digits: every such number fits PostgreSQL's bigint, so no id reaches the database
# as an overflow.
ID_PATTERN = "[0-9]{1,18}"


class RouteMetadata(SimpleMetadata):
    """OPTIONS: name, description, formats. The OpenAPI document (/api/schema/) describes
    bodies and parameters; deriving them again per request would only disagree with it."""

    def determine_metadata(self, request: Request, view: APIView) -> dict[str, Any]:
        metadata = super().determine_metadata(request, view)
        metadata.pop("actions", None)
        return metadata

    def determine_actions(self, request: Request, view: APIView) -> dict[str, Any]:
        return {}


# Parameters people send where they do not belong, with what to do instead. The flat lists have
# no incremental sync: a row leaving the published set (its incident retracted, merged or
# deleted) would have no tombstone, so a copy kept with `updated_since` would silently keep it.
HINTS = {
    "updated_since": "Only /api/v1/incidents/ syncs (with tombstones); it holds every "
    "statement, claim and citation. See the sync protocol in the API docs.",
}


def signed_in(request: Request) -> User:
    """The caller of an operation only signed-in users reach (their permission classes keep the
    anonymous out): the user that a token or a row records as its maker."""
    if not isinstance(request.user, User):
        raise NotAuthenticated()
    return request.user


class StrictApiMixin:
    """Mixed into every viewset. `query_params` names what each extra action accepts; lists
    accept their FilterSet's filters and the paginator's parameters."""

    lookup_value_regex = ID_PATTERN
    metadata_class: Any = RouteMetadata  # the stubs say an instance; DRF wants the class
    query_params: dict[str, tuple[str, ...]] = {}

    def _accepted(self) -> set[str]:
        action = getattr(self, "action", None)
        accepted = set(self.query_params.get(action or "", ()))
        if action == "list":
            filterset = getattr(self, "filterset_class", None)
            if filterset is not None:
                accepted |= set(filterset.base_filters)
            paginator = getattr(self, "paginator", None)
            if paginator is not None:
                accepted |= {paginator.cursor_query_param, paginator.page_size_query_param}
        return accepted

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if getattr(self, (request.method or "").lower(), None) is None:
            return  # dispatch answers 405: the method is the error, not its parameters
        accepted = self._accepted()
        unknown = sorted(set(request.query_params) - accepted)
        if unknown:
            takes = ", ".join(sorted(accepted)) if accepted else "no query parameters"
            message = f"Unknown parameter: this operation takes {takes}."
            raise ValidationError({name: HINTS.get(name, message) for name in unknown})


# JSON types each writable field takes: DRF would also turn 0 into "0" for a text field, "12"
# or 12.0 into 12 for a number, "yes" into true; a schema-checking client must not be told one
# type and silently be allowed another. First match wins (ChoiceField before its text).
_JSON_TYPES: tuple[tuple[type[serializers.Field], tuple[type, ...], str], ...] = (
    (serializers.BooleanField, (bool,), "true or false"),
    (serializers.IntegerField, (int,), "a whole number"),
    (serializers.FloatField, (int, float), "a number"),
    (serializers.PrimaryKeyRelatedField, (int,), "an id (a whole number)"),
    (serializers.ListField, (list,), "a list"),
    (serializers.ChoiceField, (str,), "a string"),
    (serializers.CharField, (str,), "a string"),
    (serializers.DateTimeField, (str,), "an ISO 8601 string"),
)


def _json_type(field: serializers.Field) -> tuple[tuple[type, ...], str] | None:
    for field_class, types, words in _JSON_TYPES:
        if isinstance(field, field_class):
            return types, words
    return None


class StrictJsonMixin:
    """Refuses a value of the wrong JSON type for a field, naming the type it takes."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return super().to_internal_value(data)  # type: ignore[misc]
        errors = {}
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            value = data.get(name)
            expected = _json_type(field)
            if field.read_only or value is None or expected is None:
                continue
            types, words = expected
            if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
                errors[name] = [f"Must be {words}."]
        # The other fields are still checked, so one answer names every problem.
        rest = {name: value for name, value in data.items() if name not in errors}
        try:
            validated = super().to_internal_value(rest)  # type: ignore[misc]
        except ValidationError as exc:
            if not errors:
                raise
            raise ValidationError({**cast(dict, exc.detail), **errors}) from exc
        if errors:
            raise ValidationError(errors)
        return validated


# What Django's URLValidator accepts (http(s), a host of dot-separated labels, a TLD), written
# out so clients generated from the schema send only addresses the server takes.
_LABEL = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
URL_PATTERN = (
    rf"^https?://{_LABEL}(\.{_LABEL}){{0,4}}\.[a-z]{{2,24}}(:[0-9]{{2,5}})?"
    r"(/([A-Za-z0-9._~/-]|%[0-9A-Fa-f]{2})*)?$"
)
# A % that starts no escape (two hex digits) is no URI: Django's URLValidator lets it through.
BAD_PERCENT = RegexValidator(
    r"%(?![0-9A-Fa-f]{2})",
    inverse_match=True,
    message="Not a valid address: a % must start an escape of two hex digits.",
)


@extend_schema_field({"type": "string", "format": "uri", "pattern": URL_PATTERN, "maxLength": 2000})
class HttpUrlField(serializers.URLField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 2000)
        super().__init__(**kwargs)
        self.validators.append(BAD_PERCENT)
