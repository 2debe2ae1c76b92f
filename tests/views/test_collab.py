"""Working together through the pages: comments and mentions, assignment, notifications, the
"my work" page, the activity stream, and e-mail sent only once the change has committed."""

import pytest
from django.db import transaction
from django.urls import reverse

from tests import factories
from tests.conftest import password_of
from tracker.enums import NotificationKind
from tracker.models import Assignment, Comment, Notification
from tracker.services.collab import comment_create
from tracker.services.publishing import incident_publish, incident_submit_for_review

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(1)</script> \u202egnp.exe " + "W" * 400


@pytest.fixture
def incident(belligerents):
    return factories.incident(belligerents.conflict)


def _post_comment(client, incident, text: str, **extra):
    return client.post(
        reverse("tracker:comment-add", args=[incident.pk]), {"text": text, **extra}, follow=True
    )


def test_a_mention_notifies_and_shows_on_my_work_and_in_the_nav(
    client, incident, journalist, editor
) -> None:
    client.force_login(journalist)
    answer = _post_comment(client, incident, "@editor can you check the casualty figures?")
    assert answer.status_code == 200
    assert b"Comment added." in answer.content
    comment = Comment.objects.get()
    assert answer.redirect_chain[-1][0].endswith(f"#comment-{comment.pk}")

    client.force_login(editor)
    page = client.get(reverse("tracker:incident-list")).content.decode()
    assert 'data-unread="1"' in page
    work = client.get(reverse("tracker:my-work")).content.decode()
    assert "can you check the casualty figures?" in work
    assert "unread" in work
    note = Notification.objects.get(recipient=editor)
    opened = client.get(reverse("tracker:notification-open", args=[note.pk]))
    assert opened.url.endswith(f"/incidents/{incident.pk}/#comment-{comment.pk}")
    note.refresh_from_db()
    assert note.read_at is not None


def test_bad_comments_are_refused_in_words(client, incident, journalist) -> None:
    client.force_login(journalist)
    assert "empty comment" in _post_comment(client, incident, "  ").content.decode()
    assert "is called @nobody" in _post_comment(client, incident, "hi @nobody").content.decode()
    long = _post_comment(client, incident, "x" * 6000).content.decode()
    assert "at most 5000 characters" in long
    assert "Choose the claim" in _post_comment(client, incident, "ok", claim="x").content.decode()
    assert "no longer exists" in _post_comment(client, incident, "ok", claim="999").content.decode()
    assert not Comment.objects.exists()


def test_comment_text_is_escaped_and_isolated(client, incident, journalist) -> None:
    client.force_login(journalist)
    page = _post_comment(client, incident, HOSTILE).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<p class="comment-text" dir="auto">&lt;script&gt;' in page


def test_roles_viewers_read_only_authors_edit_their_own(
    client, incident, journalist, editor, viewer
) -> None:
    comment = comment_create(incident=incident, text="first", user=journalist)
    incident_submit_for_review(incident=incident, user=editor)
    incident_publish(incident=incident, user=editor)  # a viewer reads published incidents
    client.force_login(viewer)
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "first" in page
    assert 'name="text"' not in page
    assert _post_comment(client, incident, "me too").status_code == 403
    client.force_login(editor)
    change = reverse("tracker:comment-change", args=[comment.pk])
    assert client.get(change).status_code == 403
    assert client.post(change, {"text": "rewritten"}).status_code == 403
    client.force_login(journalist)
    assert client.post(change, {"text": " "}).status_code == 422
    assert client.post(change, {"text": "second"}).status_code == 302
    comment.refresh_from_db()
    assert comment.text == "second"
    assert comment.edited_at is not None
    assert client.post(change, {"delete": "1"}).status_code == 302
    assert not Comment.objects.exists()


def test_assignment_by_role(client, incident, journalist, editor, make_user) -> None:
    other = make_user("other", "Journalist")
    assign = reverse("tracker:incident-assign", args=[incident.pk])
    client.force_login(journalist)
    assert client.post(assign, {"assignee": "other"}).status_code == 403
    client.post(assign, {"assignee": "journalist"})
    assert Assignment.objects.get().assignee == journalist
    client.force_login(other)
    taken = client.post(assign, {"assignee": "other"}, follow=True).content.decode()
    assert "journalist already works on this incident" in taken
    assert "Take this incident" not in client.get(incident.get_absolute_url()).content.decode()
    client.force_login(editor)
    unknown = client.post(assign, {"assignee": "ghost"}, follow=True).content.decode()
    assert "Nobody is called “\u2068ghost\u2069”" in unknown
    client.post(assign, {"assignee": "other"})
    assert Assignment.objects.get().assignee == other
    assert Notification.objects.get(recipient=other).kind == NotificationKind.ASSIGNMENT
    client.force_login(other)
    assert (
        f'data-assigned="{incident.pk}"' in client.get(reverse("tracker:my-work")).content.decode()
    )


def test_activity_stream_is_a_tab_of_the_incident_page_and_paginated(
    client, belligerents, incident, journalist
) -> None:
    for n in range(30):
        comment_create(incident=incident, text=f"note {n}", user=journalist)
    client.force_login(journalist)
    activity = reverse("tracker:incident-activity", args=[incident.pk])
    assert f'href="{activity}"' in client.get(incident.get_absolute_url()).content.decode()
    page = client.get(activity).content.decode()
    assert page.count('data-activity="comment"') == 25
    assert "?page=2" in page
    older = client.get(activity + "?page=2").content.decode()
    assert 'data-activity="edit"' in older  # the incident's creation, the oldest event
    assert "Page 2 of 2" in older
    assert client.get(activity + "?page=x").status_code == 200  # a bad page number: the first


@pytest.mark.django_db(transaction=True)
def test_email_is_sent_after_commit_and_not_on_rollback(
    client, settings, mailoutbox, belligerents, make_user
) -> None:
    settings.EMAIL_HOST = "smtp.newsroom.example"
    author = make_user("author", "Journalist")
    reader = make_user("reader", "Editor")
    reader.email = "reader@newsroom.example"
    reader.save()
    incident = factories.incident(belligerents.conflict)

    def comment_then_fail() -> None:
        with transaction.atomic():
            comment_create(incident=incident, text="@reader look", user=author)
            raise RuntimeError("the rest of the change failed")

    with pytest.raises(RuntimeError):
        comment_then_fail()
    assert mailoutbox == []
    assert not Notification.objects.exists()

    client.login(username="author", password=password_of("author"))
    _post_comment(client, incident, "@reader please look at this")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["reader@newsroom.example"]
    assert message.subject == f"author mentioned you on “{incident.title}”"
    assert "please look at this" in message.body
    assert f"/incidents/{incident.pk}/" in message.body


def test_no_email_without_smtp(client, settings, mailoutbox, incident, journalist, editor) -> None:
    settings.EMAIL_HOST = ""
    editor.email = "editor@newsroom.example"
    editor.save()
    client.force_login(journalist)
    _post_comment(client, incident, "@editor hi")
    assert mailoutbox == []
    assert Notification.objects.filter(recipient=editor).exists()
