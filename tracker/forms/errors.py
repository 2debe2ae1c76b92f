"""A service's refusal shown on the form that asked for the change."""

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(
    form: forms.BaseForm, error: Exception, *, renamed: Mapping[str, str] | None = None
) -> None:
    """Each message of ERROR on the form field it concerns (RENAMED maps a model field to the
    form's name for it), the rest above the form. A service's other refusals (a stale edit, a
    state conflict) say what happened in their text."""
    if not isinstance(error, ValidationError):
        form.add_error(None, str(error))
    elif hasattr(error, "error_dict"):
        for name, messages in error.error_dict.items():
            name = (renamed or {}).get(name, name)
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
