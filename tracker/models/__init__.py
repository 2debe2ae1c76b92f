from tracker.models.api import ApiToken, IncidentChange, Webhook, WebhookDelivery
from tracker.models.claim import CLAIM_VALUE_FIELDS, Claim, Counterclaim
from tracker.models.collab import Assignment, Comment, Notification
from tracker.models.editorial import EditorialLogEntry
from tracker.models.feed import Feed, FetchLog
from tracker.models.incident import INCIDENT_VALUE_FIELDS, Incident
from tracker.models.party import Alignment, Conflict, Outlet, Party, PartyAlias, Side
from tracker.models.proposal import EnrichmentRun, Proposal
from tracker.models.revision import PendingRevision
from tracker.models.source import Citation, IncidentSource, Source, SourceAppearance
from tracker.models.statement import Statement
from tracker.models.statement_watch import StatementVersion, StatementWatch

__all__ = [
    "CLAIM_VALUE_FIELDS",
    "INCIDENT_VALUE_FIELDS",
    "Alignment",
    "ApiToken",
    "Assignment",
    "Citation",
    "Claim",
    "Comment",
    "Conflict",
    "Counterclaim",
    "EditorialLogEntry",
    "EnrichmentRun",
    "Feed",
    "FetchLog",
    "Incident",
    "IncidentChange",
    "IncidentSource",
    "Notification",
    "Outlet",
    "Party",
    "PartyAlias",
    "PendingRevision",
    "Proposal",
    "Side",
    "Source",
    "SourceAppearance",
    "Statement",
    "StatementVersion",
    "StatementWatch",
    "Webhook",
    "WebhookDelivery",
]
