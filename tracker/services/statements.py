from datetime import datetime
from typing import Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction

from tracker.enums import Channel, TranslationKind
from tracker.models import Incident, Outlet, Party, PendingRevision, Statement
from tracker.selectors.parties import party_side
from tracker.services.common import Actor, utc_from_local
from tracker.services.revisions import addition_save, deletion_submit


class StatementDetails(TypedDict, total=False):
    """The optional fields of a new statement; what is left out takes the model's default."""

    issued_at: datetime | None
    channel: Channel
    original_url: str
    language: str
    translation: str
    translation_kind: TranslationKind | str
    reported_by: Outlet | None


@transaction.atomic
def statement_create(
    *,
    incident: Incident,
    party: Party,
    text: str,
    user: Actor = None,
    **details: Unpack[StatementDetails],
) -> Statement:
    """Held for approval in a published incident (see addition_save)."""
    if party_side(party=party, conflict=incident.conflict) is None:
        raise ValidationError(
            {"party": f"{party} has no side in {incident.conflict}; align it with a side first."}
        )
    return addition_save(
        obj=Statement(incident=incident, party=party, text=text, **details),
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
