"""Per-object history with field diffs, and the editors' list of deleted objects to restore."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tracker.models import Citation, Claim, Counterclaim, Incident, Source, Statement
from tracker.selectors.history import (
    HISTORY_MODELS,
    history_deleted,
    history_object_name,
    history_versions,
)
from tracker.selectors.incident_list import hidden_from
from tracker.services.history import history_restore

# Restoring is an editor's call: journalists may delete their own claims and citations, but
# bringing back what someone removed (incidents, sources, whole cascades) is review work. Editors
# are the role holding delete_incident.
EDITOR_PERMISSION = "tracker.delete_incident"


def _model_or_404(name: str) -> type[models.Model]:
    model = HISTORY_MODELS.get(name)
    if model is None:
        raise Http404(_("No history is kept for “%(name)s”.") % {"name": name})
    return model


def _object_url(obj: models.Model) -> str:
    """Where the object is shown: its own page, or the page it is part of."""
    if isinstance(obj, Claim):
        url = reverse("tracker:incident-detail", args=[obj.statement.incident_id])
        return f"{url}#claim-{obj.pk}"
    if isinstance(obj, Statement):
        return reverse("tracker:incident-detail", args=[obj.incident_id])
    if isinstance(obj, Counterclaim):
        url = reverse("tracker:incident-detail", args=[obj.claim_a.statement.incident_id])
        return f"{url}#claim-{obj.claim_a_id}"
    if isinstance(obj, Citation):
        return f"{reverse('tracker:source-detail', args=[obj.source_id])}#citation-{obj.pk}"
    if isinstance(obj, Source):
        return reverse("tracker:source-detail", args=[obj.pk])
    return cast(Incident, obj).get_absolute_url()  # the one tracked model left


def _incident_of(obj: models.Model) -> Incident | None:
    """The incident the object is part of, whose state decides who may read its history."""
    if isinstance(obj, Claim):
        return obj.statement.incident
    if isinstance(obj, Statement):
        return obj.incident
    if isinstance(obj, Counterclaim):
        return obj.claim_a.statement.incident
    return obj if isinstance(obj, Incident) else None


@login_required
@require_GET
def history(request: HttpRequest, model: str, pk: int) -> HttpResponse:
    model_class = _model_or_404(model)
    if not request.user.has_perm(f"tracker.view_{model}"):
        raise PermissionDenied
    name, exists = history_object_name(model=model_class, pk=pk)
    page, versions = history_versions(model=model_class, pk=pk, page_number=request.GET.get("page"))
    if not versions and not exists:
        raise Http404(_("Nothing is recorded about this object."))
    obj = model_class._default_manager.filter(pk=pk).first()
    incident = _incident_of(obj) if obj is not None else None
    if incident is not None and hidden_from(request.user, incident.state):
        raise Http404(_("Nothing is recorded about this object."))
    context = {
        "model_name": model,
        "verbose_name": model_class._meta.verbose_name,
        "pk": pk,
        "name": name,
        "exists": exists,
        "object_url": _object_url(obj) if obj is not None else None,
        "page_obj": page,
        "versions": versions,
        "may_restore": not exists and request.user.has_perm(EDITOR_PERMISSION),
    }
    return render(request, "tracker/history.html", context)


@login_required
@require_GET
def deleted_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(EDITOR_PERMISSION):
        raise PermissionDenied
    page, rows = history_deleted(page_number=request.GET.get("page"))
    return render(request, "tracker/history_deleted.html", {"page_obj": page, "rows": rows})


@login_required
@require_POST
def deleted_restore(request: HttpRequest, model: str, pk: int) -> HttpResponse:
    model_class = _model_or_404(model)
    if not request.user.has_perms([EDITOR_PERMISSION, f"tracker.add_{model}"]):
        raise PermissionDenied
    try:
        restored = history_restore(model=model_class, pk=pk, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except IntegrityError:
        # The row points at something deleted separately (a citation whose claim went later).
        messages.error(
            request,
            _("This %(kind)s belongs to something that was deleted separately: restore that first.")
            % {"kind": model_class._meta.verbose_name},
        )
    else:
        messages.success(
            request,
            _("Restored %(kind)s “%(name)s” and everything deleted with it.")
            % {"kind": model_class._meta.verbose_name, "name": str(restored)[:80]},
        )
    return redirect("tracker:history-deleted")
