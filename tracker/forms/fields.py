"""Form fields shared by the browser forms."""

from __future__ import annotations

from typing import Any

from django import forms

from tracker.templatetags.text import isolate


class IsolatedChoiceField(forms.ModelChoiceField):
    """Options labelled between FSI and PDI (by name where the row has one): an <option> holds
    no <bdi>, and a name with a right-to-left override must not reorder the rest of the list."""

    def label_from_instance(self, obj: Any) -> str:
        return isolate(getattr(obj, "name", None) or obj)
