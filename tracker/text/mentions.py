"""@mentions in a comment's plain text."""

import re

# Django's username characters (letters, digits, @ . + - _). Not after a word character, so an
# e-mail address ("desk@example.org") mentions nobody; a sentence's full stop after the name is
# not part of it.
MENTION = re.compile(r"(?<![\w@.+-])@([\w.@+-]+)")


def mentioned_usernames(text: str) -> list[str]:
    """The usernames TEXT mentions, in order of first appearance, each once."""
    seen: dict[str, None] = {}
    for match in MENTION.finditer(text):
        seen.setdefault(match.group(1).rstrip("."), None)
    return [name for name in seen if name]
