"""Demo accounts, one per newsroom role."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

DEMO_USERS = {"editor": "Editor", "journalist": "Journalist", "viewer": "Viewer"}


@transaction.atomic
def demo_users_create(*, password: str = "") -> tuple[list[str], str]:
    """Create the missing demo users. Returns (usernames created, password given to them); the
    password is random unless given, and is never stored anywhere readable, so it is shown once."""
    User = get_user_model()
    password = password or secrets.token_urlsafe(12)
    created = []
    for username, group_name in DEMO_USERS.items():
        if User.objects.filter(username=username).exists():
            continue
        user = User.objects.create_user(
            username=username, password=password, is_staff=username == "editor"
        )
        user.groups.add(Group.objects.get(name=group_name))
        created.append(username)
    return created, password
