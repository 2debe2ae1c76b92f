"""Every status and kind in the domain. Compare with these members, never with raw strings."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartyKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    ARMED_FORCE = "armed_force", _("Armed force")
    GOVERNMENT = "government", _("Government")
    AGENCY = "agency", _("Agency")
    ORGANISATION = "organisation", _("International organisation")
    PERSON = "person", _("Person")
    OTHER = "other", _("Other")


class SideRole(models.TextChoices):
    BELLIGERENT = "belligerent", _("Belligerent")
    THIRD_PARTY = "third_party", _("Third party (mediator, observer)")


class TimePrecision(models.TextChoices):
    EXACT = "exact", _("Exact")
    HOUR = "hour", _("To the hour")
    DAY = "day", _("To the day")
    APPROXIMATE = "approximate", _("Approximate")


class IncidentType(models.TextChoices):
    CEASEFIRE_VIOLATION = "ceasefire_violation", _("Cease-fire violation")
    SHELLING = "shelling", _("Shelling")
    ARMED_CLASH = "armed_clash", _("Armed clash")
    AIR_STRIKE = "air_strike", _("Air or drone strike")
    INCURSION = "incursion", _("Incursion")
    SABOTAGE = "sabotage", _("Sabotage or mining")
    OTHER = "other", _("Other")


class EditorialState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    RETRACTED = "retracted", _("Retracted")


class DisputeStatus(models.TextChoices):
    """Derived from claims and counterclaims, never stored (see selectors.incidents)."""

    NO_CLAIMS = "no_claims", _("No claims yet")
    ONE_SIDED = "one_sided", _("Only one side has spoken")
    DISPUTED = "disputed", _("Disputed")
    UNDISPUTED = "undisputed", _("No contradiction found")


class Channel(models.TextChoices):
    WEBSITE = "website", _("Website")
    FACEBOOK = "facebook", _("Facebook")
    TELEGRAM = "telegram", _("Telegram")
    X = "x", _("X (Twitter)")
    PRESS_CONFERENCE = "press_conference", _("Press conference")
    NEWS_AGENCY = "news_agency", _("Via a news agency")
    OTHER = "other", _("Other")


class TranslationKind(models.TextChoices):
    MACHINE = "machine", _("Machine translation")
    HUMAN = "human", _("Translated by a person")


class Aspect(models.TextChoices):
    """The rows of the comparison grid, in the order an editor reads them."""

    INITIATOR = "initiator", _("Who started it")
    TIMING = "timing", _("When")
    LOCATION = "location", _("Where")
    CASUALTIES = "casualties", _("Casualties")
    MEANS = "means", _("Weapons and means")
    RETALIATION = "retaliation", _("Retaliation")
    DAMAGE = "damage", _("Damage")
    OTHER = "other", _("Other")


class Verdict(models.TextChoices):
    """Editors' rating of a claim; `claimreview_rating()` maps each to schema.org ClaimReview."""

    UNVERIFIED = "unverified", _("Unverified")
    CORROBORATED = "corroborated", _("Corroborated")
    PARTLY_TRUE = "partly_true", _("Partly true")
    CONTESTED = "contested", _("Contested")
    MISLEADING = "misleading", _("Misleading")
    FALSE = "false", _("False")


class CasualtyKind(models.TextChoices):
    KILLED = "killed", _("Killed")
    WOUNDED = "wounded", _("Wounded")


class CounterclaimRelation(models.TextChoices):
    CONTRADICTS = "contradicts", _("Contradicts")
    CORROBORATES = "corroborates", _("Corroborates")
    QUALIFIES = "qualifies", _("Qualifies")


class ProposalState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class SourceKind(models.TextChoices):
    NEWS_REPORT = "news_report", _("News report")
    OFFICIAL_RELEASE = "official_release", _("Official release")
    SOCIAL_POST = "social_post", _("Social media post")
    VIDEO = "video", _("Video")
    OTHER = "other", _("Other")


class FeedFormat(models.TextChoices):
    UNKNOWN = "unknown", _("Not fetched yet")
    RSS = "rss", _("RSS 0.9x / 2.0")
    RDF = "rdf", _("RSS 1.0 (RDF)")
    ATOM = "atom", _("Atom")
    JSON_FEED = "json_feed", _("JSON Feed")
    HTML = "html", _("Web page (article links by CSS selector)")


class FeedHealth(models.TextChoices):
    OK = "ok", _("OK")
    DEGRADED = "degraded", _("Degraded")
    FAILING = "failing", _("Failing")


class WebSubState(models.TextChoices):
    """A feed's WebSub (push) subscription with its hub."""

    NONE = "", _("No hub or no callback")
    REQUESTED = "requested", _("Requested, awaiting the hub's verification")
    SUBSCRIBED = "subscribed", _("Subscribed")
    FAILED = "failed", _("Hub refused")


class EnclosureRel(models.TextChoices):
    """What a media link of a feed entry is (kept as a link, never downloaded by default)."""

    ENCLOSURE = "enclosure", _("Enclosure")
    THUMBNAIL = "thumbnail", _("Thumbnail")


class FetchOutcome(models.TextChoices):
    OK = "ok", _("Fetched")
    NOT_MODIFIED = "not_modified", _("Not modified (304)")
    PARSED_LENIENTLY = "parsed_leniently", _("Parsed leniently")
    ERROR = "error", _("Error")


class TokenScope(models.TextChoices):
    """What an API token may do: read raises the rate limits, write also allows edits."""

    READ = "read", _("Read")
    WRITE = "write", _("Read and write")


class WebhookEvent(models.TextChoices):
    INCIDENT_PUBLISHED = "incident.published", _("Incident published")
    INCIDENT_UPDATED = "incident.updated", _("Published incident updated")
    INCIDENT_RETRACTED = "incident.retracted", _("Incident retracted")
    INCIDENT_MERGED = "incident.merged", _("Published incident merged into another")
    INCIDENT_DELETED = "incident.deleted", _("Published incident deleted")
    CLAIM_VERDICT_CHANGED = "claim.verdict_changed", _("Claim verdict changed")
    COUNTERCLAIM_CONFIRMED = "counterclaim.confirmed", _("Counterclaim confirmed")
    # Sent on request to one subscription to test it; nobody subscribes to it.
    PING = "ping", _("Test ping")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed for good")


class EditorialAction(models.TextChoices):
    """Transitions recorded in the editorial log (tracker.models.editorial.EditorialLogEntry)."""

    SUBMITTED = "submitted", _("Submitted for review")
    PUBLISHED = "published", _("Published")
    RETRACTED = "retracted", _("Retracted")
    MERGED = "merged", _("Merged into another incident")
    UNMERGED = "unmerged", _("Merge undone")
    DELETED = "deleted", _("Deleted")


class EnrichmentStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    PROPOSED = "proposed", _("Proposals ready")
    NO_PROPOSALS = "no_proposals", _("Nothing to propose")
    FAILED = "failed", _("Failed")


class NoProposalReason(models.TextChoices):
    """Why enrichment of a source proposed nothing; recorded instead of raising."""

    EMPTY_TEXT = "empty_text", _("The source has no text")
    TOO_LARGE = "too_large", _("The text is larger than 5 MB")
    BINARY = "binary", _("The file is not text")
    WRONG_ENCODING = "wrong_encoding", _("The text is not in UTF-8 (or UTF-16 with a BOM)")
    MIXED_SCRIPTS = "mixed_scripts", _("The text mixes scripts")
    UNSUPPORTED_LANGUAGE = "unsupported_language", _("The language is not supported")
    NO_PARTY = "no_party", _("No party of a tracked conflict is named")
    NO_STATEMENT = "no_statement", _("No party is quoted or reported as saying anything")


class ProposalKind(models.TextChoices):
    STATEMENT = "statement", _("Statement")
    CLAIM = "claim", _("Claim")
    INCIDENT = "incident", _("Incident")
    COUNTERCLAIM = "counterclaim", _("Counterclaim")


class CitationTarget(models.TextChoices):
    """What a passage selected on the source page is cited for."""

    CLAIM = "claim", _("An existing claim")
    NEW_CLAIM = "new_claim", _("A new claim")


class RevisionState(models.TextChoices):
    """An edit to a published incident waits for an editor (tracker.models.revision)."""

    PENDING = "pending", _("Pending approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn (what it changed was deleted)")


class RevisionAction(models.TextChoices):
    """What a pending revision does to its row once approved (tracker.services.revisions)."""

    EDIT = "edit", _("Edit")
    ADD = "add", _("Addition")
    DELETE = "delete", _("Deletion")
    MERGE = "merge", _("Merge")


class LedgerZoom(models.TextChoices):
    """The period a conflict ledger counts by (tracker.selectors.ledgers)."""

    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")


class StatementCheck(models.TextChoices):
    """What one re-fetch of a statement's original page found (tracker.services.statement_watch)."""

    FIRST_SEEN = "first_seen", _("First archived")
    EDITED = "edited", _("Edited by the source")
    REMOVED = "removed", _("Removed by the source")
    RESTORED = "restored", _("Back online")


class NotificationKind(models.TextChoices):
    """Why a person is told something in the app (and by e-mail where SMTP is configured)."""

    MENTION = "mention", _("Mentioned in a comment")
    ASSIGNMENT = "assignment", _("Incident assigned")
    REVISION_APPROVED = "revision_approved", _("Revision approved")
    REVISION_REJECTED = "revision_rejected", _("Revision rejected")
