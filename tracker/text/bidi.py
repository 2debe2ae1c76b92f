"""Bidirectional isolation where markup cannot reach (a page title, an <option>, an attribute):
a right-to-left override inside a name ends at the name's end instead of reordering the page."""

FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"


def isolate(value: object) -> str:
    """VALUE between FSI and PDI."""
    return f"{FIRST_STRONG_ISOLATE}{value}{POP_DIRECTIONAL_ISOLATE}"
