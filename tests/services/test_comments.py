"""Comments, mentions, assignment and notifications through the services, and the activity
stream and "my work" reads built from them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests import factories
from tracker.enums import EditorialState, NotificationKind, RevisionState
from tracker.models import Comment, Notification, PendingRevision
from tracker.selectors.collab import incident_activity, my_work, unread_count
from tracker.services.collab import (
    comment_create,
    comment_delete,
    comment_edit,
    incident_assign,
    notifications_mark_read,
)
from tracker.services.publishing import incident_submit_for_review
from tracker.services.revisions import revision_approve, revision_reject
from tracker.services.statements import statement_create
from tracker.text.mentions import mentioned_usernames

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(belligerents):
    return factories.incident(belligerents.conflict)


def test_mentions_are_read_from_plain_text() -> None:
    text = "@anna and @bob.k, see desk@example.org and @anna again. Thanks @carl."
    assert mentioned_usernames(text) == ["anna", "bob.k", "carl"]


def test_a_mention_notifies_once_and_an_edit_notifies_only_the_newly_mentioned(
    incident, journalist, editor, make_user
) -> None:
    other = make_user("otto", "Viewer")
    comment = comment_create(incident=incident, text="@editor please check", user=journalist)
    assert list(comment.mentions.all()) == [editor]
    assert unread_count(editor) == 1
    comment_edit(comment=comment, text="@editor and @otto please check", user=journalist)
    assert Notification.objects.filter(recipient=editor).count() == 1
    assert Notification.objects.get(recipient=other).kind == NotificationKind.MENTION
    assert comment.edited_at is not None


def test_unknown_mention_is_refused_in_words_and_nothing_is_written(incident, journalist) -> None:
    with pytest.raises(ValidationError, match="Nobody who can read incidents is called @ghost"):
        comment_create(incident=incident, text="ask @ghost", user=journalist)
    assert not Comment.objects.exists()


def test_empty_and_overlong_comments_are_refused(incident, journalist) -> None:
    with pytest.raises(ValidationError, match="empty comment"):
        comment_create(incident=incident, text="   ", user=journalist)
    with pytest.raises(ValidationError, match="at most 5000 characters; this one has 5001"):
        comment_create(incident=incident, text="x" * 5001, user=journalist)


def test_only_the_author_edits_or_deletes_and_viewers_cannot_comment(
    incident, journalist, editor, viewer
) -> None:
    comment = comment_create(incident=incident, text="mine", user=journalist)
    with pytest.raises(PermissionDenied):
        comment_edit(comment=comment, text="theirs", user=editor)
    with pytest.raises(PermissionDenied):
        comment_delete(comment=comment, user=editor)
    with pytest.raises(PermissionDenied):
        comment_create(incident=incident, text="hello", user=viewer)
    comment_delete(comment=comment, user=journalist)
    assert not Comment.objects.exists()


def test_a_claim_comment_must_be_about_this_incident(belligerents, incident, journalist) -> None:
    elsewhere = factories.incident(belligerents.conflict, title="Another")
    claim = factories.claim(factories.statement(elsewhere, belligerents.parties[0]))
    with pytest.raises(ValidationError, match="another incident"):
        comment_create(incident=incident, claim=claim, text="about this", user=journalist)


def test_editors_assign_anyone_journalists_take_only_unassigned(
    incident, journalist, editor, make_user
) -> None:
    other = make_user("jo", "Journalist")
    incident_assign(incident=incident, assignee=journalist, user=journalist)
    assert my_work(journalist).assigned == [incident]
    with pytest.raises(ValidationError, match="journalist already works on this incident"):
        incident_assign(incident=incident, assignee=other, user=other)
    with pytest.raises(PermissionDenied):
        incident_assign(incident=incident, assignee=editor, user=journalist)
    incident_assign(incident=incident, assignee=other, user=editor)
    assert my_work(other).assigned == [incident]
    assert Notification.objects.get(recipient=other).kind == NotificationKind.ASSIGNMENT
    assert my_work(journalist).assigned == []


def test_revision_decisions_notify_the_author_and_fill_my_work(
    belligerents, incident, journalist, editor
) -> None:
    incident_submit_for_review(incident=incident, user=editor)
    incident.refresh_from_db()
    incident.state = EditorialState.PUBLISHED
    incident.save(update_fields=["state"])
    first = statement_create(
        incident=incident, party=belligerents.parties[0], text="One.", user=journalist
    )
    second = statement_create(
        incident=incident, party=belligerents.parties[1], text="Two.", user=journalist
    )
    assert first.held
    assert second.held
    work = my_work(journalist)
    assert len(work.my_revisions) == 2
    assert work.queue is None
    assert my_work(editor).queue == 2
    one, two = PendingRevision.objects.order_by("id")
    revision_approve(revision=one, user=editor)
    revision_reject(revision=two, user=editor)
    kinds = {n.kind for n in Notification.objects.filter(recipient=journalist)}
    assert kinds == {NotificationKind.REVISION_APPROVED, NotificationKind.REVISION_REJECTED}
    assert my_work(journalist).my_revisions == []
    assert notifications_mark_read(user=journalist) == 2
    assert unread_count(journalist) == 0
    states = set(PendingRevision.objects.values_list("state", flat=True))
    assert states == {RevisionState.APPROVED, RevisionState.REJECTED}


def test_activity_stream_merges_edits_comments_revisions_and_workflow_in_time_order(
    belligerents, incident, journalist, editor
) -> None:
    factories.statement(incident, belligerents.parties[0])
    comment_create(incident=incident, text="looks right", user=journalist)
    incident_submit_for_review(incident=incident, user=editor)
    page, items = incident_activity(incident, 1)
    kinds = [item.kind for item in items]
    # History events carry their transaction's start time: here, one test transaction.
    assert kinds[:2] == ["workflow", "comment"]
    assert [item.at for item in items] == sorted((item.at for item in items), reverse=True)
    assert {item.model for item in items if item.kind == "edit"} == {"incident", "statement"}
    assert page.paginator.count == len(items)
