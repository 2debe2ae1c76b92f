"""Reads about feeds: which to fetch, and how they are doing."""

from django.db.models import QuerySet
from django.utils import timezone

from tracker.models import Feed, FetchLog


def feeds_to_fetch(*, feed_ids: list[int] | None = None, due_only: bool = True) -> QuerySet[Feed]:
    """Active feeds, by id if given, else the due ones (or all with due_only=False)."""
    feeds = Feed.objects.filter(is_active=True).order_by("id")
    if feed_ids:
        return feeds.filter(pk__in=feed_ids)
    if due_only:
        return feeds.filter(next_fetch_at__lte=timezone.now())
    return feeds


def feed_recent_fetches(*, feed: Feed, limit: int = 20) -> QuerySet[FetchLog]:
    # Served by fetchlog_feed_recent_idx (feed, -started_at).
    return FetchLog.objects.filter(feed=feed).order_by("-started_at", "-id")[:limit]
