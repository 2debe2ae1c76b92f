from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from tracker.enums import Channel, TranslationKind
from tracker.models import Incident, Outlet, Party, PendingRevision, Statement
from tracker.selectors.parties import party_side
from tracker.services.common import Actor, utc_from_local
from tracker.services.revisions import addition_save, deletion_submit


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
    user: Actor = None,
) -> Statement:
    """Held for approval in a published incident (see addition_save)."""
    if party_side(party=party, conflict=incident.conflict) is None:
        raise ValidationError(
            {"party": f"{party} has no side in {incident.conflict}; align it with a side first."}
        )
    return addition_save(
        obj=Statement(
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
        ),
        user=user,
    )


@transaction.atomic
def statement_delete(*, statement: Statement, user: Actor) -> PendingRevision | None:
    """With its claims and citations; held for approval in a published incident."""
    return deletion_submit(obj=statement, user=user)


@transaction.atomic
def statement_create_reported(
    *, issued_local: datetime | None, issued_timezone: str, **values: Any
) -> Statement:
    """statement_create with the issue time as the party gave it: wall-clock ISSUED_LOCAL in
    the IANA ISSUED_TIMEZONE, kept in UTC."""
    issued_at = issued_local and utc_from_local(
        local=issued_local, zone=issued_timezone, field="issued_timezone"
    )
    return statement_create(issued_at=issued_at, **values)
