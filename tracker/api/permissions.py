"""Who may do what: anyone reads the published set; writes need an editor's session or an
editor's token with write scope, plus the model permission the UI would also require."""

from typing import TYPE_CHECKING, Any

from rest_framework import permissions
from rest_framework.request import Request

from tracker.enums import TokenScope
from tracker.models import ApiToken

if TYPE_CHECKING:  # rest_framework.views imports the permission settings: no cycle at run time
    from rest_framework.views import APIView


def token_allows_writes(request: Request) -> bool:
    """A session (request.auth None) acts with the user's own rights; a token only if it was
    issued with write scope."""
    token = request.auth
    return not isinstance(token, ApiToken) or token.scope == TokenScope.WRITE


def is_editor(request: Request) -> bool:
    """May see unpublished incidents (the `state` filter): whoever may edit them, by session or
    write token. A read token sees the published set only, whoever made it: it is what goes
    into dashboards and other newsrooms' scripts."""
    return bool(
        request.user
        and token_allows_writes(request)
        and request.user.has_perm("tracker.change_incident")
    )


class ReadAnyoneWriteEditors(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """Model permissions for writes (add/change/delete), extra ones per action through the
    view's `action_permissions` (e.g. publish → tracker.publish_incident)."""

    def has_permission(self, request: Request, view: "APIView") -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        if not (request.user and request.user.is_authenticated and token_allows_writes(request)):
            return False
        extra = getattr(view, "action_permissions", {}).get(getattr(view, "action", None))
        if extra is not None:
            return request.user.has_perms(extra)
        return super().has_permission(request, view)


class EditorsOnly(permissions.BasePermission):
    """Token and webhook management: users holding the model's permissions, by session or a
    write token (a read token never manages credentials)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated and token_allows_writes(request)):
            return False
        model = view.get_queryset().model
        return request.user.has_perm(f"tracker.view_{model._meta.model_name}")
