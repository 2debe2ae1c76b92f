from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from tracker.enums import FeedHealth
from tracker.models import Feed, FetchLog
from tracker.services.feeds import feed_fetch_now, feed_set_active

HEALTH_COLOURS = {
    FeedHealth.OK: "#1a7f37",
    FeedHealth.DEGRADED: "#9a6700",
    FeedHealth.FAILING: "#cf222e",
}


class FetchLogInline(admin.TabularInline):
    model = FetchLog
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ["-started_at", "-id"]
    fields = [
        "started_at",
        "outcome",
        "status_code",
        "bytes_received",
        "duration_ms",
        "entries_new",
        "entries_updated",
        "entries_unchanged",
        "parser",
        "error",
    ]
    readonly_fields = fields


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "format",
        "health_badge",
        "consecutive_failures",
        "last_success_at",
        "next_fetch_at",
        "short_error",
        "is_active",
    ]
    list_filter = ["health", "format", "is_active"]
    search_fields = ["title", "url", "last_error"]
    readonly_fields = [
        "format",
        "etag",
        "last_modified",
        "last_fetched_at",
        "last_success_at",
        "health",
        "consecutive_failures",
        "last_error",
        "credentials",
        "moved_to",
        "moved_hits",
        "created_at",
        "updated_at",
    ]
    # The password is never rendered: it is set with the feed's URL (user:password@host).
    exclude = ["basic_auth"]
    inlines = [FetchLogInline]
    actions = ["fetch_soon", "activate", "deactivate"]

    @admin.display(description="health", ordering="health")
    def health_badge(self, feed: Feed) -> str:
        return format_html(
            '<strong style="color:{}">{}</strong>',
            HEALTH_COLOURS.get(feed.health, "inherit"),
            feed.get_health_display(),
        )

    @admin.display(description="HTTP Basic credentials")
    def credentials(self, feed: Feed) -> str:
        return (
            f"user {feed.basic_auth.split(':', 1)[0]!r}, password set"
            if feed.basic_auth
            else "none"
        )

    @admin.display(description="last error")
    def short_error(self, feed: Feed) -> str:
        return feed.last_error[:80]

    @admin.action(description="Fetch at the next scheduler tick")
    def fetch_soon(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        for feed in queryset:
            feed_fetch_now(feed=feed)
        messages.success(request, f"{queryset.count()} feeds will be fetched within a minute.")

    @admin.action(description="Resume polling")
    def activate(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        for feed in queryset:
            feed_set_active(feed=feed, active=True)

    @admin.action(description="Pause polling")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        for feed in queryset:
            feed_set_active(feed=feed, active=False)


@admin.register(FetchLog)
class FetchLogAdmin(admin.ModelAdmin):
    list_display = [
        "url",
        "feed",
        "started_at",
        "status_code",
        "outcome",
        "entries_new",
        "entries_updated",
        "duration_ms",
    ]
    list_filter = ["outcome", "parser"]
    search_fields = ["url", "error"]
    list_select_related = ["feed"]
