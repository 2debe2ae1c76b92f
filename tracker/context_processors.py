from django.http import HttpRequest
from django.utils.translation import gettext as _


def role(request: HttpRequest) -> dict[str, str]:
    """The user's newsroom role for the header, read from the permissions the page loads anyway
    (no query for the groups)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"role": ""}
    if user.has_perm("tracker.publish_incident"):
        return {"role": _("Editor")}
    if user.has_perm("tracker.add_statement"):
        return {"role": _("Journalist")}
    return {"role": _("Viewer")}
