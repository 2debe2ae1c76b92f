from django.http import HttpRequest
from django.utils.functional import lazy
from django.utils.translation import gettext as _


def role(request: HttpRequest) -> dict[str, str]:
    """The user's newsroom role for the header, read from the permissions the page loads anyway
    (no query for the groups). Lazy: a page that shows no user (the public incident page) must
    not read the session, or every answer would vary by cookie and no shared cache could keep
    it."""
    return {"role": lazy(_role_label, str)(request)}


def _role_label(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    if user.has_perm("tracker.publish_incident"):
        return _("Editor")
    if user.has_perm("tracker.add_statement"):
        return _("Journalist")
    return _("Viewer")
