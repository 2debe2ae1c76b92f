"""Admin for the statement watch: its schedule and the versions it archived. Read-only: the
watch round (tracker.services.statement_watch) keeps them consistent."""

from django.contrib import admin

from tracker.admin.operations import ReadOnlyAdmin
from tracker.models import StatementVersion, StatementWatch


@admin.register(StatementWatch)
class StatementWatchAdmin(ReadOnlyAdmin):
    list_display = [
        "statement",
        "next_check_at",
        "last_checked_at",
        "failures",
        "edited_at",
        "removed_at",
    ]
    list_filter = ["failures"]
    search_fields = ["statement__original_url", "statement__party__name", "last_error"]
    list_select_related = ["statement__party", "statement__incident"]


@admin.register(StatementVersion)
class StatementVersionAdmin(ReadOnlyAdmin):
    list_display = ["statement", "kind", "seen_at", "http_status", "url"]
    list_filter = ["kind"]
    search_fields = ["url", "statement__party__name", "text"]
    list_select_related = ["statement__party", "statement__incident"]
    exclude = ["snapshot"]
