from django.contrib import admin

from tracker.models import Feed, FetchLog


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = ["__str__", "format", "health", "last_fetched_at", "next_fetch_at", "is_active"]
    list_filter = ["health", "format", "is_active"]
    search_fields = ["title", "url", "last_error"]


@admin.register(FetchLog)
class FetchLogAdmin(admin.ModelAdmin):
    list_display = ["url", "started_at", "status_code", "outcome", "entries_new", "duration_ms"]
    list_filter = ["outcome"]
    search_fields = ["url", "error"]
