"""Conflict set-up pages (editors): a conflict, its sides (belligerents and third parties),
its parties and their aliases, and a test box that shows where the aliases would match a
text. Thin: the forms check what was typed, tracker.services.conflicts writes,
tracker.selectors.aliases reads; a journalist or viewer gets 403."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tracker.forms.conflicts import (
    AliasForm,
    AliasTestForm,
    ConflictForm,
    PartyForm,
    SideForm,
    SidePartyForm,
    SideRowForm,
)
from tracker.forms.fields import is_id
from tracker.models import Conflict, Party, PartyAlias, Side
from tracker.selectors.aliases import (
    alias_matches,
    conflict_parties,
    conflict_setup,
    conflicts_to_set_up,
)
from tracker.selectors.parties import party_side
from tracker.services.conflicts import (
    alias_add,
    alias_delete,
    conflict_create_with_sides,
    conflict_save,
    party_save,
    side_save,
)
from tracker.text.bidi import isolate

# Editors set up conflicts; journalists and viewers may only read them.
SET_UP = "tracker.change_conflict"
View = Callable[..., HttpResponse]


def editors_only(view: View) -> View:
    """Signed-in editors only: anyone else is refused with the styled 403 page."""

    @login_required
    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm(SET_UP):
            raise PermissionDenied(_("Only editors set up conflicts."))
        return view(request, *args, **kwargs)

    return checked


def _saved(form: Form, write: Callable[[], Any]) -> Any:
    """WRITE's result if FORM is valid and the service accepts it, else None: a refusal from
    the service lands beside its field."""
    if not form.is_valid():
        return None
    try:
        return write()
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


def _forms(value: Any) -> Iterator[Form]:
    """The forms in VALUE: a context's values, lists and pairs looked into."""
    if isinstance(value, Form):
        yield value
    elif isinstance(value, dict):
        yield from _forms(list(value.values()))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _forms(item)


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """A rejected POST is 422 with the errors in the form, never a half-written change."""
    rejected = request.method == "POST" and any(f.is_bound and f.errors for f in _forms(context))
    return render(
        request, f"tracker/conflict_setup/{template}", context, status=422 if rejected else 200
    )


@editors_only
@require_http_methods(["GET", "POST"])
def conflict_list(request: HttpRequest) -> HttpResponse:
    """Every conflict, and the form for a new one with its first sides (rows left empty add
    none)."""
    form = ConflictForm(request.POST or None)
    rows = [SideRowForm(request.POST or None, prefix=f"side{n}") for n in (1, 2)]
    conflict = (
        _saved(
            form,
            lambda: conflict_create_with_sides(
                sides=[row.values() for row in rows if row.has_changed()], **form.cleaned_data
            ),
        )
        if request.method == "POST" and all([row.is_valid() for row in rows])
        else None
    )
    if conflict:
        messages.success(
            request, _("Conflict “%(name)s” created.") % {"name": isolate(conflict.name)}
        )
        return redirect("tracker:conflict-setup", slug=conflict.slug)
    context = {"conflicts": conflicts_to_set_up(), "form": form, "rows": rows}
    return _page(request, "list.html", context)


@editors_only
@require_http_methods(["GET", "POST"])
def conflict_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """One conflict's set-up: its details, its sides with their parties, forms to add both."""
    conflict = get_object_or_404(Conflict, slug=slug)
    what = request.POST.get("form", "") if request.method == "POST" else ""
    initial = {"name": conflict.name, "slug": conflict.slug, "description": conflict.description}
    conflict_form = ConflictForm(request.POST if what == "conflict" else None, initial=initial)
    side_form = SideForm(request.POST if what == "side" else None, prefix="side")
    sides = conflict_setup(conflict=conflict)
    posted_side = request.POST.get("side") if what == "party" else None
    party_forms = [
        SidePartyForm(
            request.POST if posted_side == str(side.pk) else None, side=side, conflict=conflict
        )
        for side in sides
    ]
    party_form = next((form for form in party_forms if form.is_bound), None)
    if what == "conflict" and _saved(
        conflict_form, lambda: conflict_save(conflict=conflict, **conflict_form.cleaned_data)
    ):
        messages.success(request, _("Conflict saved."))
        return redirect("tracker:conflict-setup", slug=conflict.slug)
    if what == "side" and _saved(
        side_form,
        lambda: side_save(conflict=conflict, **side_form.values()),
    ):
        messages.success(request, _("Side added."))
        return redirect(reverse("tracker:conflict-setup", args=[slug]) + "#sides")
    if party_form is not None and _saved(
        party_form, lambda: _party_save(party_form, side=party_form.party_side)
    ):
        messages.success(request, _("Party added."))
        return redirect(reverse("tracker:conflict-setup", args=[slug]) + "#sides")
    unknown_side = what == "party" and party_form is None
    if unknown_side:
        messages.error(request, _("Nothing was saved: that side is not one of this conflict's."))
    elif request.method == "POST" and what not in ("conflict", "side", "party"):
        messages.error(request, _("Nothing was saved: the form sent was not recognised."))
    if what == "conflict" and conflict_form.errors:
        conflict.refresh_from_db()
    response = _page(
        request,
        "conflict.html",
        {
            "conflict": conflict,
            "sides": list(zip(sides, party_forms, strict=True)),
            "conflict_form": conflict_form,
            "side_form": side_form,
        },
    )
    if unknown_side:
        response.status_code = 422
    return response


def _party_save(form: PartyForm, party: Party | None = None, side: Side | None = None) -> Party:
    """FORM's party on SIDE, or on the side the form chose."""
    data = form.cleaned_data
    return party_save(
        side=side or data["side"],
        party=party,
        name=data["name"],
        short_name=data["short_name"],
        kind=data["kind"],
        country=data["country_code"],
    )


@editors_only
@require_http_methods(["GET", "POST"])
def side_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Rename a side, change its role (belligerent or third party) or country."""
    side = get_object_or_404(Side, pk=pk, conflict__slug=slug)
    initial = {"name": side.name, "role": side.role, "country_code": side.country_code}
    form = SideForm(request.POST or None, initial=initial)
    if request.method == "POST" and _saved(
        form,
        lambda: side_save(conflict=side.conflict, side=side, **form.values()),
    ):
        messages.success(request, _("Side saved."))
        return redirect(reverse("tracker:conflict-setup", args=[slug]) + "#sides")
    if form.errors:
        side.refresh_from_db()
    context = {"conflict": side.conflict, "row": side, "kind": "side", "form": form}
    return _page(request, "row.html", context)


@editors_only
@require_http_methods(["GET", "POST"])
def party_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Rename a party, change its kind, country or side in this conflict."""
    conflict = get_object_or_404(Conflict, slug=slug)
    party = get_object_or_404(Party, pk=pk, alignments__side__conflict=conflict)
    initial = {
        "name": party.name,
        "short_name": party.short_name,
        "kind": party.kind,
        "country_code": party.country_code,
        "side": party_side(party=party, conflict=conflict),
    }
    form = PartyForm(request.POST or None, initial=initial, conflict=conflict)
    if request.method == "POST" and _saved(form, lambda: _party_save(form, party)):
        messages.success(request, _("Party saved."))
        return redirect(reverse("tracker:conflict-setup", args=[slug]) + "#sides")
    if form.errors:
        party.refresh_from_db()
    context = {"conflict": conflict, "row": party, "kind": "party", "form": form}
    return _page(request, "row.html", context)


@editors_only
@require_http_methods(["GET", "POST"])
def aliases(request: HttpRequest, slug: str) -> HttpResponse:
    """The conflict's aliases by party, the form for a new one, and the test box (GET ?text=)."""
    conflict = get_object_or_404(Conflict, slug=slug)
    party = request.GET.get("party", "")  # from a party's row: that party chosen already
    form = AliasForm(
        request.POST or None,
        prefix="alias",
        conflict=conflict,
        initial={"party": int(party) if is_id(party) else None},
    )
    if request.method == "POST" and _saved(
        form,
        lambda: alias_add(
            party=form.cleaned_data["party"],
            text=form.cleaned_data["text"],
            language=form.cleaned_data["language"],
            metonym=form.cleaned_data["is_metonym"],
        ),
    ):
        messages.success(
            request,
            _("Alias “%(text)s” added.") % {"text": isolate(form.cleaned_data["text"].strip())},
        )
        return redirect(reverse("tracker:conflict-aliases", args=[slug]) + "#aliases")
    test_form = AliasTestForm(request.GET if "text" in request.GET else None)
    segments, mentions = (
        alias_matches(conflict=conflict, text=test_form.cleaned_data["text"])
        if test_form.is_valid()
        else ([], [])
    )
    status = 422 if test_form.is_bound and test_form.errors else None
    response = _page(
        request,
        "aliases.html",
        {
            "conflict": conflict,
            "sides": conflict_setup(conflict=conflict),
            "has_parties": bool(conflict_parties(conflict=conflict)),
            "form": form,
            "test_form": test_form,
            "segments": segments,
            "mentions": mentions,
        },
    )
    if status:
        response.status_code = status
    return response


@editors_only
@require_POST
def alias_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Enrichment no longer recognises the party by this alias."""
    alias = get_object_or_404(PartyAlias, pk=pk, party__alignments__side__conflict__slug=slug)
    alias_delete(alias=alias)
    messages.success(request, _("Alias “%(text)s” removed.") % {"text": isolate(alias.text)})
    return redirect(reverse("tracker:conflict-aliases", args=[slug]) + "#aliases")
