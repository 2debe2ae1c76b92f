from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from tracker.enums import Channel, TranslationKind
from tracker.models import Incident, Outlet, Party, Statement
from tracker.selectors.parties import party_side
from tracker.services.common import save_validated


@transaction.atomic
def statement_create(
    *,
    incident: Incident,
    party: Party,
    text: str,
    issued_at: datetime | None = None,
    channel: Channel = Channel.WEBSITE,
    original_url: str = "",
    language: str = "",
    translation: str = "",
    translation_kind: TranslationKind | str = "",
    reported_by: Outlet | None = None,
) -> Statement:
    if party_side(party=party, conflict=incident.conflict) is None:
        raise ValidationError(
            {"party": f"{party} has no side in {incident.conflict}; align it with a side first."}
        )
    return save_validated(
        Statement(
            incident=incident,
            party=party,
            text=text,
            issued_at=issued_at,
            channel=channel,
            original_url=original_url,
            language=language,
            translation=translation,
            translation_kind=translation_kind,
            reported_by=reported_by,
        )
    )


@transaction.atomic
def statement_delete(*, statement: Statement) -> None:
    """Delete STATEMENT with its claims and citations; pghistory keeps every row, so an editor
    can restore it from the deleted list."""
    statement.delete()
