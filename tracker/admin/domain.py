"""Operators' admin for the domain. Incidents' contents go through the publish gate like every
other door (tracker.services.revisions): on a published incident an edit, addition or deletion
made here is held as a pending revision; the editorial state changes only through the workflow
actions, which log and notify as the app does."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest

from tracker.admin.feeds import SourceAppearanceInline
from tracker.models import (
    Alignment,
    Citation,
    Claim,
    Conflict,
    Counterclaim,
    Incident,
    IncidentSource,
    Outlet,
    Party,
    PartyAlias,
    Side,
    Source,
    Statement,
)
from tracker.services.publishing import (
    incident_delete,
    incident_publish,
    incident_submit_for_review,
)
from tracker.services.revisions import (
    EDITABLE,
    addition_save,
    deletion_submit,
    edit_submit,
    target_of,
)


def _gated_save(request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
    """One row from an admin form or inline through the gate."""
    if not change:
        addition_save(obj=obj, user=request.user)
        return
    original = type(obj)._default_manager.get(pk=obj.pk)
    fields = {name: getattr(obj, name) for name in form.changed_data}
    editable = EDITABLE[target_of(obj)]
    refused = sorted(set(fields) - editable)
    if refused:
        messages.error(request, f"{obj}: not changed, not editable: {', '.join(refused)}.")
    revision = edit_submit(
        obj=original,
        user=request.user,
        expected_version=None,
        fields={name: value for name, value in fields.items() if name in editable},
    )
    if revision is not None:
        messages.warning(request, f"{obj}: held for an editor's approval ({revision}).")


class GatedAdmin(admin.ModelAdmin):
    """Saves and deletes of incident contents through tracker.services.revisions."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """On a change form, only what an edit may change (the rest has its own service)."""
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is None:
            return readonly
        editable = EDITABLE[target_of(obj)]
        return readonly + [
            field.name
            for field in obj._meta.concrete_fields
            if field.editable
            and not field.primary_key
            and field.name not in editable
            and field.name not in readonly
        ]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        _gated_save(request, obj, form, change)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        if deletion_submit(obj=obj, user=request.user) is not None:
            messages.warning(request, f"{obj}: deletion held for an editor's approval.")

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # The lists the admin's change message reads, as formset.save() would have set them.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            obj = inline_form.instance
            if formset._should_delete_form(inline_form):
                if obj.pk is not None:
                    self.delete_model(request, obj)
                    formset.deleted_objects.append(obj)
                continue
            if not inline_form.has_changed():
                continue
            existing = obj.pk is not None
            obj = inline_form.save(commit=False)
            _gated_save(request, obj, inline_form, change=existing)
            if existing:
                formset.changed_objects.append((obj, inline_form.changed_data))
            else:
                formset.new_objects.append(obj)


class SideInline(admin.TabularInline):
    model = Side
    extra = 0


@admin.register(Conflict)
class ConflictAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SideInline]


class PartyAliasInline(admin.TabularInline):
    model = PartyAlias
    extra = 1


class AlignmentInline(admin.TabularInline):
    model = Alignment
    extra = 0
    autocomplete_fields = ["side"]


@admin.register(Side)
class SideAdmin(admin.ModelAdmin):
    list_display = ["name", "conflict", "role", "country_code"]
    list_filter = ["role", "conflict"]
    search_fields = ["name", "conflict__name"]


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "country_code"]
    list_filter = ["kind", "sides__conflict"]
    search_fields = ["name", "short_name", "aliases__text"]
    inlines = [AlignmentInline, PartyAliasInline]


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "country_code", "language"]
    search_fields = ["name", "domain"]


class StatementInline(admin.StackedInline):
    model = Statement
    extra = 0
    fields = ["party", "issued_at", "channel", "original_url", "text", "language"]
    show_change_link = True


@admin.register(Incident)
class IncidentAdmin(GatedAdmin):
    list_display = ["title", "conflict", "incident_type", "occurred_start", "state"]
    list_filter = ["state", "incident_type", "conflict"]
    search_fields = ["title", "summary", "place"]
    date_hierarchy = "occurred_start"
    # The state moves only through the workflow (its log, its webhooks): the actions below.
    readonly_fields = ["state", "version", "merged_into", "created_at", "updated_at"]
    inlines = [StatementInline]
    actions = ["submit_for_review", "publish"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            _gated_save(request, obj, form, change)
        else:
            obj.save()  # a new incident is a draft: nothing public to hold

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        incident_delete(incident=obj, user=request.user)  # logged, as in the app

    @admin.action(description="Submit for review (workflow)")
    def submit_for_review(self, request: HttpRequest, queryset: Any) -> None:
        self._workflow(request, queryset, incident_submit_for_review)

    @admin.action(description="Publish (workflow)", permissions=["publish"])
    def publish(self, request: HttpRequest, queryset: Any) -> None:
        self._workflow(request, queryset, incident_publish)

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("tracker.publish_incident")

    def _workflow(self, request: HttpRequest, queryset: Any, service: Any) -> None:
        for incident in queryset:
            try:
                service(incident=incident, user=request.user)
            except ValidationError as error:
                messages.error(request, f"{incident}: {' '.join(error.messages)}")


class ClaimInline(admin.StackedInline):
    model = Claim
    extra = 0
    show_change_link = True
    fields = ["aspect", "text", "verdict"]


@admin.register(Statement)
class StatementAdmin(GatedAdmin):
    list_display = ["__str__", "party", "channel", "issued_at", "language"]
    list_filter = ["channel", "language", "party"]
    search_fields = ["text", "translation", "party__name", "incident__title"]
    autocomplete_fields = ["incident", "party", "reported_by"]
    readonly_fields = ["version"]
    inlines = [ClaimInline]


class CitationInline(admin.TabularInline):
    model = Citation
    extra = 0
    fields = ["source", "excerpt", "start_offset", "end_offset", "added_by"]
    autocomplete_fields = ["source"]


@admin.register(Claim)
class ClaimAdmin(GatedAdmin):
    list_display = ["__str__", "aspect", "verdict", "statement"]
    list_filter = ["aspect", "verdict"]
    search_fields = ["text", "place", "statement__party__name", "statement__incident__title"]
    autocomplete_fields = ["statement"]
    readonly_fields = ["version"]
    inlines = [CitationInline]


@admin.register(Counterclaim)
class CounterclaimAdmin(GatedAdmin):
    list_display = ["__str__", "relation", "state", "decided_by", "decided_at"]
    list_filter = ["relation", "state"]
    search_fields = ["reason", "claim_a__text", "claim_b__text"]
    autocomplete_fields = ["claim_a", "claim_b"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "outlet", "published_at", "language", "kind"]
    list_filter = ["kind", "language", "outlet"]
    search_fields = ["title", "url", "text", "author"]
    readonly_fields = ["content_hash", "snapshot_sha256", "retrieved_at", "near_duplicate_of"]
    inlines = [SourceAppearanceInline]


@admin.register(IncidentSource)
class IncidentSourceAdmin(admin.ModelAdmin):
    """Sources linked to an incident before anything in them is cited (the app's "add a
    source" and "new incident from this report"): read here, written by the app."""

    list_display = ["incident", "source", "added_by", "created_at"]
    search_fields = ["incident__title", "source__title", "source__url"]
    readonly_fields = ["incident", "source", "added_by", "created_at"]


@admin.register(Citation)
class CitationAdmin(GatedAdmin):
    list_display = ["__str__", "source", "claim", "statement", "added_by", "created_at"]
    search_fields = ["excerpt", "source__title", "claim__text"]
    autocomplete_fields = ["source", "claim", "statement"]
