from datetime import datetime
from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tracker.enums import SourceKind
from tracker.models import (
    Citation,
    Claim,
    Incident,
    IncidentSource,
    Outlet,
    PendingRevision,
    Source,
    Statement,
)
from tracker.services.common import Actor, person, save_validated
from tracker.services.revisions import addition_save, deletion_submit
from tracker.text.normalise import canonical_url, text_sha256


def outlet_for_url(url: str) -> Outlet | None:
    host = (canonical_url(url).split("/")[2]).removeprefix("www.")
    return Outlet.objects.filter(domain__in=[host, f"www.{host}"]).first()


@transaction.atomic
def source_by_url(url: str) -> tuple[str, Source | None]:
    """URL in its canonical form, and the source already stored under it (or None). A URL that
    is not an http(s) address is refused on the `url` field."""
    try:
        url = canonical_url(url)
    except ValueError as exc:
        raise ValidationError({"url": str(exc)}) from exc
    return url, Source.objects.filter(url=url).first()


class SourceDetails(TypedDict, total=False):
    """The optional fields of a source added by hand; what is left out takes the model's
    default."""

    title: str
    kind: SourceKind
    author: str
    published_at: datetime | None
    language: str


def source_create(
    *, url: str, text: str = "", outlet: Outlet | None = None, **details: Unpack[SourceDetails]
) -> Source:
    """A source added by hand. Returns the existing row when the canonical URL is known."""
    url, existing = source_by_url(url)
    if existing is not None:
        return existing
    return save_validated(
        Source(
            url=url,
            text=text,
            outlet=outlet or outlet_for_url(url),
            content_hash=text_sha256(text),
            retrieved_at=timezone.now(),
            **details,
        )
    )


@transaction.atomic
def citation_create(
    *,
    source: Source,
    excerpt: str,
    start_offset: int | None = None,
    end_offset: int | None = None,
    claim: Claim | None = None,
    statement: Statement | None = None,
    added_by: Actor = None,
) -> Citation:
    """Cite EXCERPT of SOURCE for a claim or a statement. Without START_OFFSET the excerpt's
    first occurrence is used; with it, the text there must be exactly the excerpt. END_OFFSET,
    when a caller states it, must agree. Held for approval in a published incident (see
    addition_save); ADDED_BY is its author."""
    if (claim is None) == (statement is None):
        raise ValidationError("A citation supports either a claim or a statement.")
    if not excerpt.strip():
        raise ValidationError({"excerpt": "The excerpt is empty."})
    if start_offset is None:
        start_offset = source.text.find(excerpt)
        if start_offset < 0:
            raise ValidationError({"excerpt": "This excerpt does not occur in the source's text."})
    if end_offset is not None and end_offset != start_offset + len(excerpt):
        raise ValidationError({"end_offset": "Must be start_offset plus the excerpt's length."})
    end_offset = start_offset + len(excerpt)
    if source.text[start_offset:end_offset] != excerpt:
        raise ValidationError(
            {"excerpt": f"The source's text at {start_offset}–{end_offset} is not this excerpt."}
        )
    existing = Citation.objects.filter(
        source=source,
        claim=claim,
        statement=statement,
        start_offset=start_offset,
        end_offset=end_offset,
    ).first()
    if existing is not None:
        return existing
    return addition_save(
        obj=Citation(
            source=source,
            claim=claim,
            statement=statement,
            excerpt=excerpt,
            start_offset=start_offset,
            end_offset=end_offset,
            added_by=person(added_by),
        ),
        user=added_by,
    )


@transaction.atomic
def citation_delete(*, citation: Citation, user: Actor) -> PendingRevision | None:
    """Held for approval in a published incident."""
    return deletion_submit(obj=citation, user=user)


@transaction.atomic
def incident_source_add(
    *, incident: Incident, source: Source, user: Actor = None
) -> IncidentSource:
    """Gather SOURCE for INCIDENT (once: adding it again returns the existing link), so the
    report is reachable from the incident before anything in it is cited."""
    link, _ = IncidentSource.objects.get_or_create(
        incident=incident, source=source, defaults={"added_by": person(user)}
    )
    return link
