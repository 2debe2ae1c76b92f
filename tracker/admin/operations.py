"""Admin for the records the app writes itself (tokens, webhooks and their deliveries, the
editorial log, sync stamps, enrichment runs and proposals, pending revisions): searchable and
read-only, because their own services keep them consistent."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from tracker.models import (
    Alignment,
    ApiToken,
    EditorialLogEntry,
    EnrichmentRun,
    IncidentChange,
    PartyAlias,
    PendingRevision,
    Proposal,
    Webhook,
    WebhookDelivery,
)
from tracker.services.api_tokens import api_token_revoke


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["name", "prefix", "scope", "user", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scope"]
    search_fields = ["name", "prefix", "user__username"]
    actions = ["revoke"]

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(token=token)
        messages.success(request, "Revoked. Callers using them now get 401.")


@admin.register(Webhook)
class WebhookAdmin(ReadOnlyAdmin):
    list_display = ["url", "events", "is_active", "created_by", "created_at"]
    search_fields = ["url"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["event", "webhook", "status", "attempts", "response_status", "created_at"]
    list_filter = ["status", "event"]
    search_fields = ["webhook__url", "error"]


@admin.register(EditorialLogEntry)
class EditorialLogEntryAdmin(ReadOnlyAdmin):
    list_display = ["incident_id", "action", "user", "created_at", "note"]
    list_filter = ["action"]
    search_fields = ["note", "incident_id"]


@admin.register(IncidentChange)
class IncidentChangeAdmin(ReadOnlyAdmin):
    list_display = ["incident", "changed_at", "was_published"]
    search_fields = ["incident__title"]


@admin.register(EnrichmentRun)
class EnrichmentRunAdmin(ReadOnlyAdmin):
    list_display = ["source", "status", "reason", "language", "started_at", "finished_at"]
    list_filter = ["status", "reason"]
    search_fields = ["source__title", "source__url", "detail"]


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ["source", "kind", "state", "position"]
    list_filter = ["kind", "state"]
    search_fields = ["source__title"]


@admin.register(PendingRevision)
class PendingRevisionAdmin(ReadOnlyAdmin):
    list_display = ["incident", "target", "target_id", "state", "author", "created_at"]
    list_filter = ["state", "target"]
    search_fields = ["incident__title"]


@admin.register(Alignment)
class AlignmentAdmin(admin.ModelAdmin):
    list_display = ["party", "side"]
    search_fields = ["party__name", "side__name"]
    autocomplete_fields = ["party", "side"]


@admin.register(PartyAlias)
class PartyAliasAdmin(admin.ModelAdmin):
    list_display = ["text", "party", "language", "is_metonym"]
    list_filter = ["language", "is_metonym"]
    search_fields = ["text", "party__name"]
    autocomplete_fields = ["party"]
