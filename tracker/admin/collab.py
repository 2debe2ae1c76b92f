"""Admin for working together: read-only, since comments, assignments and notifications are
written through tracker.services.collab (which checks roles and notifies)."""

from django.contrib import admin

from tracker.admin.operations import ReadOnlyAdmin
from tracker.models import Assignment, Comment, Notification


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["incident", "author", "created_at", "edited_at"]
    search_fields = ["text", "incident__title", "author__username"]
    list_select_related = ["incident", "author"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["incident", "assignee", "assigned_by", "assigned_at"]
    search_fields = ["incident__title", "assignee__username"]
    list_select_related = ["incident", "assignee", "assigned_by"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "kind", "incident", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["recipient__username", "incident__title"]
    list_select_related = ["recipient", "incident"]
