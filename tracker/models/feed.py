"""Feeds that reports come in from, their per-feed fetch settings, and the log of every fetch."""

from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import regex
from cssselect import GenericTranslator, SelectorError
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tracker.enums import FeedFormat, FeedHealth, FetchOutcome, WebSubState
from tracker.models.party import Conflict, Outlet

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PROXY_SCHEMES = ("http", "https", "socks4", "socks4a", "socks5", "socks5h")
# Headers the fetch itself owns: a per-feed value would break framing, caching or decoding.
RESERVED_HEADERS = frozenset(
    {
        "host",
        "content-length",
        "transfer-encoding",
        "connection",
        "accept-encoding",
        "if-none-match",
        "if-modified-since",
        "te",
        "upgrade",
    }
)
_HEADER_NAME = regex.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


def validate_extra_headers(value: Any) -> None:
    """A JSON object of header name → text, no line breaks (no header injection)."""
    if not isinstance(value, dict):
        raise ValidationError('Extra headers must be a JSON object such as {"X-Key": "value"}.')
    for name, text in value.items():
        if not _HEADER_NAME.match(name):
            raise ValidationError(f"{name!r} is not a valid header name.")
        if name.lower() in RESERVED_HEADERS:
            raise ValidationError(f"{name} is set by the fetch itself and cannot be overridden.")
        if not isinstance(text, str) or any(c in text for c in "\r\n\0"):
            raise ValidationError(f"The value of {name} must be one line of text.")


def validate_proxy_url(value: str) -> None:
    parts = urlsplit(value)
    if parts.scheme not in PROXY_SCHEMES or not parts.hostname:
        raise ValidationError(
            f"A proxy is scheme://host:port with a scheme among {', '.join(PROXY_SCHEMES)}."
        )
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError as exc:
        raise ValidationError(f"The proxy's port is not a number: {exc}") from exc


def validate_rule(value: str) -> None:
    try:
        regex.compile(value)
    except regex.error as exc:
        raise ValidationError(f"Not a valid regular expression: {exc}") from exc


def validate_css_selector(value: str) -> None:
    try:
        GenericTranslator().css_to_xpath(value)
    except SelectorError as exc:
        raise ValidationError(f"Not a valid CSS selector: {exc}") from exc


def _rule_field(verbose_name: "StrOrPromise") -> models.CharField:
    """A feed's keep or drop rule: the same column, validation and help, another meaning."""
    return models.CharField(
        verbose_name,
        max_length=1000,
        blank=True,
        validators=[validate_rule],
        help_text=_("Regular expression searched in the title and text (case-insensitive)."),
    )


class Feed(models.Model):
    url = models.URLField(_("URL"), max_length=2000, unique=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    format = models.CharField(max_length=16, choices=FeedFormat.choices, default=FeedFormat.UNKNOWN)
    # No index on these two: a newsroom has hundreds of feeds, not millions, and every fetch
    # updates its feed row, writing every index on it (next_fetch_at changes, so no HOT update).
    conflict = models.ForeignKey(
        Conflict,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feeds",
        db_index=False,
    )
    outlet = models.ForeignKey(
        Outlet,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feeds",
        db_index=False,
    )
    tags = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    poll_interval = models.DurationField(default=timedelta(minutes=15))
    is_active = models.BooleanField(default=True)
    # Credentials the feed's URL carried, sent as HTTP Basic; the URL itself never holds them
    # (it is shown and logged).
    basic_auth = models.CharField(_("HTTP Basic user:password"), max_length=500, blank=True)
    # A permanent redirect (301/308) seen on the last fetches in a row, and how many times:
    # the URL follows it after COUNTERCLAIM_FEED_MOVED_AFTER consistent hits.
    moved_to = models.URLField(_("moving to"), max_length=2000, blank=True)
    moved_hits = models.PositiveSmallIntegerField(default=0)
    # Conditional GET state.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    # Scheduling and health.
    next_fetch_at = models.DateTimeField(null=True, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    health = models.CharField(max_length=16, choices=FeedHealth.choices, default=FeedHealth.OK)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # Per-feed fetch settings; they apply to the feed and to its entries' article pages.
    user_agent = models.CharField(
        _("user agent"), max_length=300, blank=True, help_text=_("Empty: the deployment's own.")
    )
    extra_headers = models.JSONField(
        _("extra headers"),
        default=dict,
        blank=True,
        validators=[validate_extra_headers],
        help_text=_('Sent with every request, e.g. {"Authorization": "Bearer …"}.'),
    )
    proxy_url = models.CharField(
        _("proxy"),
        max_length=500,
        blank=True,
        validators=[validate_proxy_url],
        help_text=_("http://, https://, socks4:// or socks5://host:port (user:password@ allowed)."),
    )
    fetch_full_page = models.BooleanField(
        _("fetch article pages"),
        default=True,
        help_text=_("Fetch and extract the page of entries that carry only a summary."),
    )
    keep_rule = _rule_field(_("keep only entries matching"))
    block_rule = _rule_field(_("drop entries matching"))
    ignore_cache = models.BooleanField(
        _("ignore cache"),
        default=False,
        help_text=_("Never send ETag / Last-Modified: for servers whose 304s are wrong."),
    )
    scrape_selector = models.CharField(
        _("article link selector"),
        max_length=500,
        blank=True,
        validators=[validate_css_selector],
        help_text=_(
            "For a site without a feed: the URL is an HTML listing page and this CSS selector "
            "picks its article links (e.g. 'h2 a')."
        ),
    )
    # WebSub (push): the hub the feed advertises and our subscription to it.
    websub_hub = models.URLField(_("WebSub hub"), max_length=2000, blank=True)
    websub_topic = models.URLField(_("WebSub topic"), max_length=2000, blank=True)
    websub_state = models.CharField(
        _("WebSub subscription"),
        max_length=16,
        choices=WebSubState.choices,
        default=WebSubState.NONE,
        blank=True,
    )
    websub_secret = models.CharField(max_length=64, blank=True, editable=False)
    # When to send the next subscription request: before the lease ends (subscribed), once
    # verification is overdue (requested), after a pause (failed).
    websub_renew_at = models.DateTimeField(_("WebSub renewal due"), null=True, blank=True)
    websub_error = models.TextField(_("WebSub error"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "url"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(poll_interval__gte=timedelta(minutes=1)),
                name="feed_poll_interval_min",
                violation_error_message="Poll at most once a minute.",
            ),
        ]
        indexes = [
            # schedule_due_feeds: WHERE is_active AND next_fetch_at <= now().
            models.Index(fields=["is_active", "next_fetch_at"], name="feed_due_idx"),
        ]

    def __str__(self) -> str:
        return self.title or self.url


class FetchLog(models.Model):
    # fetchlog_feed_recent_idx (feed, -started_at) serves every lookup by feed.
    feed = models.ForeignKey(
        Feed,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="fetch_logs",
        db_index=False,
    )
    url = models.URLField(max_length=2000)
    started_at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    bytes_received = models.PositiveBigIntegerField(default=0)
    duration_ms = models.PositiveIntegerField(default=0)
    entries_new = models.PositiveIntegerField(default=0)
    entries_updated = models.PositiveIntegerField(default=0)
    entries_unchanged = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=20, choices=FetchOutcome.choices)
    # Which parser read the body ("lxml", "feedparser", "json"); empty when nothing was parsed.
    parser = models.CharField(max_length=16, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            # A feed's recent fetches in the admin.
            models.Index(fields=["feed", "-started_at"], name="fetchlog_feed_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.url} @ {self.started_at:%Y-%m-%d %H:%M} ({self.outcome})"
