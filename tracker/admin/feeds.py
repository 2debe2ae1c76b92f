from typing import Any, cast
from urllib.parse import quote, urlsplit

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from tracker.enums import FeedHealth
from tracker.models import Feed, FetchLog, SourceAppearance
from tracker.services.feed_discovery import FeedChoiceNeeded, feed_address_resolve
from tracker.services.feeds import (
    FEED_SETTINGS,
    feed_fetch_now,
    feed_set_active,
    feed_url_normal,
    feed_url_set,
)

HEALTH_COLOURS: dict[str, str] = {
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
    readonly_fields = fields  # type: ignore[assignment]  # names only: no groups here


class FeedAddForm(forms.ModelForm):
    """Adding a feed from any address: a web page's advertised feeds are offered as choices
    (discovery, tracker.services.feed_discovery); one of them, or a feed, is registered."""

    # Hidden until a page with several feeds is given; then its choices are those feeds.
    discovered_feed = forms.ChoiceField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Feed
        fields = ["url", "title", "outlet", "conflict", "tags", "poll_interval", *FEED_SETTINGS]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        picked = self.data.get("discovered_feed") if self.is_bound else None
        if picked:  # offered by the previous round; feed_address_resolve checks it again
            cast(forms.ChoiceField, self.fields["discovered_feed"]).choices = [(picked, picked)]

    def clean(self) -> dict[str, Any]:
        """The address normalised (feed_url_normal), its user:password split off into the
        feed's HTTP Basic credentials, and a web page resolved to the feed it advertises."""
        super().clean()
        cleaned = self.cleaned_data
        url = cleaned.get("discovered_feed") or cleaned.get("url")
        if not url or self.errors:
            return cleaned
        settings = {name: cleaned[name] for name in FEED_SETTINGS if name in cleaned}
        try:
            if cleaned.get("discovered_feed") and cleaned.get("url"):
                # A feed picked from the page: the page's credentials go with it to its host.
                page, credentials = feed_url_normal(cleaned["url"])
                if credentials and urlsplit(page).netloc == urlsplit(url).netloc:
                    url = url.replace("://", f"://{quote(credentials, safe=':')}@", 1)
            address = feed_address_resolve(url=url, settings=settings)
        except FeedChoiceNeeded as exc:
            # Changed in place: the form's bound fields already hold this field object.
            field = cast(forms.ChoiceField, self.fields["discovered_feed"])
            field.label = "Feeds this page advertises"
            field.help_text = "The address is a web page: pick the feed to add, then save."
            field.choices = [
                (c.url, f"{c.url} ({c.kind or 'feed'}{': ' + c.title if c.title else ''})")
                for c in exc.discovery.candidates
            ]
            field.widget = forms.RadioSelect(choices=field.choices)
            raise ValidationError(exc.message_dict["url"]) from exc
        cleaned["url"] = address.url
        self.instance.url = address.url
        self.instance.basic_auth = address.credentials
        if address.title and not cleaned.get("title"):
            cleaned["title"] = address.title
        if address.note:
            self.discovery_note = address.note
        return cleaned


class FeedChangeForm(forms.ModelForm):
    """Editing a feed: a new address is normalised and checked against every other feed the
    way adding one is (feed_url_set), so an edit cannot register a feed twice."""

    class Meta:
        model = Feed
        fields = ["url"]  # the admin adds the rest of its fieldsets

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("url") and "url" in self.changed_data:
            try:
                feed_url_set(feed=self.instance, url=cleaned["url"])
            except ValidationError as exc:
                self.add_error(None, exc)
                return cleaned
            cleaned["url"] = self.instance.url
        return cleaned


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
        "next_fetch_at",
        "websub_hub",
        "websub_topic",
        "websub_state",
        "websub_renew_at",
        "websub_error",
        "created_at",
        "updated_at",
    ]
    # The password is never rendered: it is set with the feed's URL (user:password@host).
    exclude = ["basic_auth"]
    inlines = [FetchLogInline]
    actions = ["fetch_soon", "activate", "deactivate"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "url",
                    "title",
                    "outlet",
                    "conflict",
                    "tags",
                    "poll_interval",
                    "is_active",
                    "credentials",
                ]
            },
        ),
        (
            "Fetch settings",
            {
                "fields": [
                    "user_agent",
                    "extra_headers",
                    "proxy_url",
                    "fetch_full_page",
                    "ignore_cache",
                    "keep_rule",
                    "block_rule",
                    "scrape_selector",
                ]
            },
        ),
        (
            "Health",
            {
                "fields": [
                    "format",
                    "health",
                    "consecutive_failures",
                    "last_error",
                    "last_fetched_at",
                    "last_success_at",
                    "next_fetch_at",
                    "etag",
                    "last_modified",
                    "moved_to",
                    "moved_hits",
                ]
            },
        ),
        (
            "WebSub (push)",
            {
                "fields": [
                    "websub_hub",
                    "websub_topic",
                    "websub_state",
                    "websub_renew_at",
                    "websub_error",
                ]
            },
        ),
        (None, {"fields": ["created_at", "updated_at"]}),
    ]

    def get_form(
        self, request: HttpRequest, obj: Feed | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        kwargs["form"] = FeedAddForm if obj is None else FeedChangeForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: Feed | None = None) -> list:
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is None:  # the add page: where discovered feeds are offered, no state yet
            return [
                (
                    None,
                    {
                        "fields": [
                            "url",
                            "discovered_feed",
                            "title",
                            "outlet",
                            "conflict",
                            "tags",
                            "poll_interval",
                        ]
                    },
                ),
                fieldsets[1],
            ]
        return fieldsets

    def save_model(self, request: HttpRequest, obj: Feed, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        note = getattr(form, "discovery_note", "")
        if note:
            messages.info(request, note)

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


class SourceAppearanceInline(admin.TabularInline):
    """On a source: the feeds besides its first (Source.feed) that listed the story."""

    model = SourceAppearance
    extra = 0
    max_num = 0
    can_delete = False
    fields = ["feed", "guid", "first_seen_at"]
    readonly_fields = fields  # type: ignore[assignment]  # names only: no groups here
    verbose_name_plural = "also listed in"


@admin.register(SourceAppearance)
class SourceAppearanceAdmin(admin.ModelAdmin):
    list_display = ["source", "feed", "first_seen_at"]
    search_fields = ["source__title", "source__url", "feed__title", "feed__url"]
    list_select_related = ["source", "feed"]
    readonly_fields = ["source", "feed", "guid", "first_seen_at"]


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
