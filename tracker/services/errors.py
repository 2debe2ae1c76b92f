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
