from django.core.exceptions import ValidationError


class StaleEditError(Exception):
    """The row changed since the caller read it; saving would silently overwrite someone's edit."""

    def __init__(self, obj: object, expected: int, actual: int) -> None:
        self.obj = obj
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"{obj} was changed by someone else (you edited version {expected}, "
            f"it is now at version {actual}). Reload to see their change."
        )


class StateConflictError(ValidationError):
    """The change is refused because of the object's current state (publishing a published
    incident, unmerging one that is not merged): well-formed, but not now. A ValidationError, so
    pages show it like any other refusal; the API answers 409 instead of 400."""
