"""Sources (documents) and citations (a claim or statement tied to a span of a source's text)."""

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from tracker.enums import SourceKind
from tracker.models.claim import Claim
from tracker.models.common import HeldQuerySet, before_write_trigger, held_field, tracked
from tracker.models.party import Outlet
from tracker.models.statement import Statement


# Statement-level history triggers: ingest writes sources in batches, and one trigger call per
# statement writes the batch's events in one INSERT … SELECT (per row it cost twice the row's own
# insert). Every row still gets its event, with the same values and context.
@tracked(exclude=["snapshot"], level=pghistory.Statement)
class Source(models.Model):
    """A document as we retrieved it. `text` is the archived extracted text that citation offsets
    point into; `snapshot` is the raw page (zlib-compressed) so a claim survives the page changing
    or vanishing."""

    # Unique through a constraint in Meta, not unique=True: that would add a second index
    # (varchar_pattern_ops, for LIKE 'prefix%') which no query uses and every insert pays for.
    url = models.URLField(_("canonical URL"), max_length=2000)
    outlet = models.ForeignKey(
        Outlet, on_delete=models.SET_NULL, null=True, blank=True, related_name="sources"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=SourceKind.choices, default=SourceKind.NEWS_REPORT
    )
    title = models.CharField(_("title"), max_length=1000, blank=True)
    author = models.CharField(_("author"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published (UTC)"), null=True, blank=True)
    published_offset_minutes = models.SmallIntegerField(
        null=True, blank=True, help_text=_("UTC offset the publisher gave, in minutes.")
    )
    language = models.CharField(_("language"), max_length=16, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    text = models.TextField(_("extracted text"), blank=True)
    content_hash = models.CharField(_("SHA-256 of the normalised text"), max_length=64, blank=True)
    retrieved_at = models.DateTimeField(_("retrieved at"), null=True, blank=True)
    snapshot = models.BinaryField(_("archived page (zlib)"), null=True, blank=True, editable=False)
    snapshot_sha256 = models.CharField(max_length=64, blank=True)
    snapshot_content_type = models.CharField(max_length=200, blank=True)
    # Where it came in from (ingest); empty for sources added by hand.
    feed = models.ForeignKey(
        "tracker.Feed", on_delete=models.SET_NULL, null=True, blank=True, related_name="sources"
    )
    guid = models.CharField(_("feed entry id"), max_length=2000, blank=True)
    # The entry's categories.
    tags = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    # Media the entry links to, never downloaded: [{"url", "type", "length", "rel"}] with rel
    # "enclosure" or "thumbnail" (tracker.enums.EnclosureRel).
    enclosures = models.JSONField(default=list, blank=True)
    # Near-duplicates (the same wire story elsewhere) point at the first source of their group.
    near_duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="near_duplicates"
    )
    simhash = models.BigIntegerField(null=True, blank=True, editable=False)
    # The simhash's six bands, position-tagged (tracker.ingest.simhash.bands).
    simhash_bands = ArrayField(models.IntegerField(), default=list, blank=True, editable=False)
    # SHA-256 of the feed entry as last seen: a change upstream is a different hash.
    entry_hash = models.CharField(max_length=64, blank=True, editable=False)
    snapshot_retrieved_at = models.DateTimeField(_("snapshot retrieved at"), null=True, blank=True)
    # The feed gave only a summary: the article page is still to be fetched and extracted.
    awaiting_page = models.BooleanField(default=False, editable=False)
    page_error = models.TextField(_("last article-page fetch error"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["url"], name="source_unique_url"),
            models.UniqueConstraint(
                fields=["feed", "guid"],
                condition=~models.Q(guid=""),
                name="source_unique_feed_guid",
            ),
            models.CheckConstraint(
                condition=models.Q(content_hash="")
                | models.Q(content_hash__regex=r"^[0-9a-f]{64}$"),
                name="source_content_hash_hex",
            ),
        ]
        indexes = [
            # Exact-duplicate check at ingest: the first row (lowest id) of a text hash, read
            # without visiting the hash's other rows.
            models.Index(fields=["content_hash", "id"], name="source_content_hash_id_idx"),
            models.Index(fields=["updated_at", "id"], name="source_updated_idx"),
            # Near-duplicate candidates at ingest: WHERE simhash_bands && ARRAY[...]. No pending
            # list (fastupdate): every ingest batch searches the index right after inserting
            # into it, and a search reads the whole unmerged list (milliseconds per query).
            GinIndex(fields=["simhash_bands"], name="source_simhash_bands_gin", fastupdate=False),
        ]

    def __str__(self) -> str:
        return self.title or self.url


class SourceAppearance(models.Model):
    """Another feed that listed the same story. The first feed is Source.feed; this keeps the
    rest, so a wire story shows every outlet feed that carried it."""

    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="appearances", db_index=False
    )
    feed = models.ForeignKey(
        "tracker.Feed", on_delete=models.CASCADE, related_name="appearances", db_index=False
    )
    guid = models.CharField(_("feed entry id"), max_length=2000, blank=True)
    first_seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["first_seen_at", "id"]
        constraints = [
            # Also the index of "the feeds of a source" (source first).
            models.UniqueConstraint(fields=["source", "feed"], name="appearance_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} in feed {self.feed_id}"


# The excerpt must be exactly the source text at the offsets (offsets count Unicode code points,
# as Python's str and PostgreSQL's substr both do).
CITATION_SPAN_SQL = """
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM tracker_source
         WHERE id = NEW.source_id
           AND substr(text, NEW.start_offset + 1, NEW.end_offset - NEW.start_offset) = NEW.excerpt
    ) THEN
        RAISE EXCEPTION 'citation: the excerpt is not the source text at offsets %-%',
            NEW.start_offset, NEW.end_offset USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
"""


@tracked()
class Citation(models.Model):
    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    excerpt = models.TextField(_("quoted excerpt"))
    start_offset = models.PositiveIntegerField()
    end_offset = models.PositiveIntegerField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    held = held_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HeldQuerySet.as_manager()

    class Meta:
        ordering = ["source", "start_offset"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(claim__isnull=False, statement__isnull=True)
                | models.Q(claim__isnull=True, statement__isnull=False),
                name="citation_cites_claim_xor_statement",
                violation_error_message="A citation supports either a claim or a statement.",
            ),
            models.CheckConstraint(
                condition=models.Q(end_offset=models.F("start_offset") + Length("excerpt"))
                & ~models.Q(excerpt=""),
                name="citation_offsets_match_excerpt",
                violation_error_message="The offsets do not span the excerpt.",
            ),
        ]
        indexes = [
            models.Index(fields=["claim"], name="citation_claim_idx"),
            models.Index(fields=["updated_at", "id"], name="citation_updated_idx"),
        ]
        triggers = [before_write_trigger("citation_span_matches_source", CITATION_SPAN_SQL)]

    def __str__(self) -> str:
        return f"“{self.excerpt[:60]}”"


class IncidentSource(models.Model):
    """A report gathered for an incident before (or without) anything in it being cited: the
    source an incident was created from, or one added from the incident page. Cited sources
    are reachable through their citations; this keeps the rest reachable too."""

    incident = models.ForeignKey(
        "tracker.Incident", on_delete=models.CASCADE, related_name="gathered_sources"
    )
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="gathered_for")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "source"], name="incidentsource_unique"),
        ]
        indexes = [models.Index(fields=["source"], name="incidentsource_source_idx")]

    def __str__(self) -> str:
        return f"{self.source_id} for incident {self.incident_id}"
