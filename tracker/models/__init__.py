from tracker.models.claim import Claim, Counterclaim
from tracker.models.feed import Feed, FetchLog
from tracker.models.incident import Incident
from tracker.models.party import Alignment, Conflict, Outlet, Party, PartyAlias, Side
from tracker.models.source import Citation, Source
from tracker.models.statement import Statement

__all__ = [
    "Alignment",
    "Citation",
    "Claim",
    "Conflict",
    "Counterclaim",
    "Feed",
    "FetchLog",
    "Incident",
    "Outlet",
    "Party",
    "PartyAlias",
    "Side",
    "Source",
    "Statement",
]
