from django.contrib import admin

from tracker.admin.feeds import SourceAppearanceInline
from tracker.models import (
    Alignment,
    Citation,
    Claim,
    Conflict,
    Counterclaim,
    Incident,
    Outlet,
    Party,
    PartyAlias,
    Side,
    Source,
    Statement,
)


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
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["title", "conflict", "incident_type", "occurred_start", "state"]
    list_filter = ["state", "incident_type", "conflict"]
    search_fields = ["title", "summary", "place"]
    date_hierarchy = "occurred_start"
    readonly_fields = ["version", "merged_into", "created_at", "updated_at"]
    inlines = [StatementInline]


class ClaimInline(admin.StackedInline):
    model = Claim
    extra = 0
    show_change_link = True
    fields = ["aspect", "text", "verdict"]


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
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
class ClaimAdmin(admin.ModelAdmin):
    list_display = ["__str__", "aspect", "verdict", "statement"]
    list_filter = ["aspect", "verdict"]
    search_fields = ["text", "place", "statement__party__name", "statement__incident__title"]
    autocomplete_fields = ["statement"]
    readonly_fields = ["version"]
    inlines = [CitationInline]


@admin.register(Counterclaim)
class CounterclaimAdmin(admin.ModelAdmin):
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


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "source", "claim", "statement", "added_by", "created_at"]
    search_fields = ["excerpt", "source__title", "claim__text"]
    autocomplete_fields = ["source", "claim", "statement"]
