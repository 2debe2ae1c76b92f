from django.core.exceptions import ValidationError

# The error code of a value the OpenAPI document admits but the data refuses
# (raise ValidationError(..., code=UNPROCESSABLE)): the API answers it with 422 rather than 400.
# Here, below every door, so forms, the API and the exports raise and read the same code.
UNPROCESSABLE = "unprocessable"


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
