"""API tokens: made by editors for consumers, shown once, stored only as a hash, revocable."""

import hashlib
import secrets

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from tracker.enums import TokenScope
from tracker.models import ApiToken

KEY_PREFIX = "cc_"


def api_token_hash(key: str) -> str:
    """SHA-256 is enough: the keys are 256 random bits, so there is nothing to brute-force that
    a slow password hash would protect."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(
    *, user: User, name: str, scope: TokenScope, created_by: User
) -> tuple[ApiToken, str]:
    """Make a token acting as USER, who must be CREATED_BY: a token carries its maker's rights,
    never someone else's (an editor must not mint a superuser's). Returns the row and the key,
    which is never stored and cannot be shown again."""
    if user.pk != created_by.pk:
        raise PermissionDenied("A token acts for the user who creates it, never another user.")
    if not created_by.has_perm("tracker.add_apitoken"):
        raise PermissionDenied("Only editors create API tokens.")
    if scope == TokenScope.WRITE and not user.has_perm("tracker.change_incident"):
        raise PermissionDenied("A write token needs a user who may edit incidents.")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        scope=scope,
        prefix=key[: len(KEY_PREFIX) + 6],
        key_hash=api_token_hash(key),
        created_by=created_by,
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoking keeps the row (who had access, and until when); calling it twice is harmless."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db()
    return token
