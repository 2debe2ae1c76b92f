"""Feeds that reports come in from, and the log of every fetch."""

from datetime import timedelta

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from tracker.enums import FeedFormat, FeedHealth, FetchOutcome
from tracker.models.party import Conflict, Outlet


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
