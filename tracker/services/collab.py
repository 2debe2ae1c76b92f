"""Working together: comments with @mentions, assignment, notifications (in the app, and by
e-mail after the transaction commits where the deployment configures SMTP)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from tracker.enums import NotificationKind, RevisionState
from tracker.models import Assignment, Claim, Comment, Incident, Notification, PendingRevision
from tracker.models.collab import COMMENT_MAX_LENGTH
from tracker.services.common import Actor, person
from tracker.text.mentions import mentioned_usernames

logger = logging.getLogger(__name__)

# Who may discuss and take incidents: whoever may add to one (journalists and editors).
CONTRIBUTE = "tracker.add_statement"
# Who may assign anyone (editors).
ASSIGN_ANYONE = "tracker.publish_incident"


def colleagues() -> QuerySet[User]:
    """Active users who can read incidents: the people a comment may mention."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__codename="view_incident")
            | Q(user_permissions__codename="view_incident")
        )
        .distinct()
        .order_by("username")
    )


def _mentioned(text: str) -> list[User]:
    names = mentioned_usernames(text)
    found = {user.username: user for user in colleagues().filter(username__in=names)}
    unknown = [name for name in names if name not in found]
    if unknown:
        raise ValidationError(
            {
                "text": "Nobody who can read incidents is called "
                + ", ".join(f"@{name}" for name in unknown)
                + ". Check the spelling, or remove the @."
            }
        )
    return [found[name] for name in names]


def _require(user: Actor, perm: str, message: str) -> User:
    author = person(user)
    if author is None or not author.has_perm(perm):
        raise PermissionDenied(message)
    return author


def _clean_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write something: an empty comment cannot be saved."})
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {
                "text": f"A comment holds at most {COMMENT_MAX_LENGTH} characters; "
                f"this one has {len(text)}."
            }
        )
    return text


@transaction.atomic
def comment_create(
    *, incident: Incident, text: str, user: Actor, claim: Claim | None = None
) -> Comment:
    """A comment on INCIDENT (or on its CLAIM); everyone it mentions is notified."""
    author = _require(user, CONTRIBUTE, "Your role does not allow commenting.")
    if claim is not None and claim.statement.incident_id != incident.pk:
        raise ValidationError({"claim": "That claim belongs to another incident."})
    text = _clean_text(text)
    mentioned = _mentioned(text)
    comment = Comment.objects.create(incident=incident, claim=claim, author=author, text=text)
    comment.mentions.set(mentioned)
    _notify_mentions(comment, mentioned)
    return comment


@transaction.atomic
def comment_edit(*, comment: Comment, text: str, user: Actor) -> Comment:
    """Change one's own comment; people newly mentioned are notified (the others were already)."""
    _own(comment, user)
    text = _clean_text(text)
    mentioned = _mentioned(text)
    before = set(comment.mentions.values_list("pk", flat=True))
    comment.text = text
    comment.edited_at = timezone.now()
    comment.save(update_fields=["text", "edited_at"])
    comment.mentions.set(mentioned)
    _notify_mentions(comment, [user for user in mentioned if user.pk not in before])
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, user: Actor) -> None:
    """Delete one's own comment, with the notifications it caused."""
    _own(comment, user)
    comment.delete()


def _own(comment: Comment, user: Actor) -> None:
    if person(user) is None or comment.author_id != person(user).pk:  # type: ignore[union-attr]
        raise PermissionDenied("Only its author may change or delete a comment.")


def _notify_mentions(comment: Comment, mentioned: list[User]) -> None:
    for user in mentioned:
        if user.pk != comment.author_id:
            notify(
                recipient=user,
                kind=NotificationKind.MENTION,
                incident=comment.incident,
                actor=comment.author,
                comment=comment,
            )


@transaction.atomic
def incident_assign(*, incident: Incident, assignee: User | None, user: Actor) -> None:
    """Editors assign anyone (or nobody); a journalist may take an unassigned incident. The
    assignee is told, unless they assigned themselves."""
    actor = person(user)
    if actor is None or not actor.has_perm(CONTRIBUTE):
        raise PermissionDenied("Your role does not allow assigning incidents.")
    current = Assignment.objects.select_for_update().filter(incident=incident).first()
    if not actor.has_perm(ASSIGN_ANYONE):
        if assignee is None or assignee.pk != actor.pk:
            raise PermissionDenied("Only an editor may assign someone else.")
        if current is not None and current.assignee_id != actor.pk:
            raise ValidationError(
                f"{current.assignee.get_username()} already works on this incident; "
                "ask an editor to reassign it."
            )
    if assignee is None:
        if current is not None:
            current.delete()
        return
    if assignee.pk not in set(colleagues().values_list("pk", flat=True)):
        raise ValidationError({"assignee": f"{assignee.get_username()} cannot read incidents."})
    if current is not None and current.assignee_id == assignee.pk:
        return
    Assignment.objects.update_or_create(
        incident=incident, defaults={"assignee": assignee, "assigned_by": actor}
    )
    if assignee.pk != actor.pk:
        notify(recipient=assignee, kind=NotificationKind.ASSIGNMENT, incident=incident, actor=actor)


def revision_decided(*, revision: PendingRevision) -> None:
    """Tell a revision's author that an editor approved or rejected it (the publish gate calls
    this when it decides)."""
    kind = {
        RevisionState.APPROVED: NotificationKind.REVISION_APPROVED,
        RevisionState.REJECTED: NotificationKind.REVISION_REJECTED,
    }.get(RevisionState(revision.state))
    author = revision.author
    if kind is None or author is None or author.pk == revision.decided_by_id:
        return
    notify(
        recipient=author,
        kind=kind,
        incident=revision.incident,
        actor=revision.decided_by,
        revision=revision,
    )


def notify(
    *,
    recipient: User,
    kind: NotificationKind,
    incident: Incident,
    actor: User | None,
    comment: Comment | None = None,
    revision: PendingRevision | None = None,
) -> Notification:
    """Record a notification, and e-mail it once the transaction has committed (a rolled-back
    change sends nothing) when the deployment configures SMTP and the person has an address."""
    notification = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        incident=incident,
        actor=actor,
        comment=comment,
        revision=revision,
    )
    if settings.EMAIL_HOST and recipient.email:
        subject, body = _email(notification)
        transaction.on_commit(lambda: _send(subject, body, recipient.email))
    return notification


def _email(notification: Notification) -> tuple[str, str]:
    who = notification.actor.get_username() if notification.actor else "Someone"
    title = notification.incident.title
    subject = {
        NotificationKind.MENTION: f"{who} mentioned you on “{title}”",
        NotificationKind.ASSIGNMENT: f"{who} assigned you “{title}”",
        NotificationKind.REVISION_APPROVED: f"{who} approved your change to “{title}”",
        NotificationKind.REVISION_REJECTED: f"{who} rejected your change to “{title}”",
    }[NotificationKind(notification.kind)]
    link = settings.COUNTERCLAIM_SITE_URL.rstrip("/") + reverse(
        "tracker:incident-detail", args=[notification.incident_id]
    )
    body = f"{subject}.\n\n"
    if notification.comment is not None:
        body += f"{notification.comment.text}\n\n"
    return subject.replace("\n", " ")[:200], body + f"{link}\n"


def _send(subject: str, body: str, address: str) -> None:
    """A mail server that is down must not undo the work that was committed: it is logged."""
    try:
        send_mail(subject, body, None, [address])
    except OSError:
        logger.exception("Could not send the notification e-mail to %s", address)


def notifications_mark_read(*, user: Actor, ids: list[int] | None = None) -> int:
    """Mark USER's notifications read (those of IDS, or all). Returns how many changed."""
    recipient = person(user)
    if recipient is None:
        return 0
    unread = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
