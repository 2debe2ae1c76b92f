"""Working together in Chromium: an editor assigns an incident and comments on it, mentioning a
journalist picked from the @ completion; the journalist sees the unread count in the header,
the mention and the assignment on "my work", and follows the mention to the comment. axe finds
nothing on the new parts; screenshots of each at desktop and phone width."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.plugins.browser import assert_accessible, screenshot
from tracker.enums import Aspect
from tracker.models import Comment
from tracker.services.collab import comment_create
from tracker.services.publishing import incident_publish, incident_submit_for_review
from tracker.services.statements import statement_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# First strong isolate and pop directional isolate: how an <option> isolates a name.
FSI, PDI = "\u2068", "\u2069"


def test_comment_with_a_mention_reaches_the_mentioned_journalist(
    page, browser, live_server, belligerents, make_user, login, csp_violations
) -> None:
    incident = factories.incident(belligerents.conflict, title="Shelling near Sotk")
    north = factories.statement(incident, belligerents.parties[0], "South fired first at 00:05.")
    factories.claim(north, Aspect.INITIATOR, "South fired first.")
    editor = make_user("editor", "Editor")
    journalist = make_user("mariam", "Journalist")
    make_user("mark", "Viewer")
    # A published incident where the journalist's addition waits for an editor.
    published = factories.incident(belligerents.conflict, title="Drone strike near Jermuk")
    incident_submit_for_review(incident=published, user=editor)
    incident_publish(incident=published, user=editor)
    statement_create(
        incident=published, party=belligerents.parties[1], text="No drone.", user=journalist
    )

    login(page, "editor")
    page.goto(f"{live_server.url}{incident.get_absolute_url()}")
    page.get_by_label("Assign to").select_option("mariam")
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.locator("[data-assignee]")).to_have_text("mariam")

    box = page.get_by_label("Add a comment")
    box.press_sequentially("Can you confirm the time with the ministry, @ma")
    menu = page.get_by_role("listbox")
    expect(menu.get_by_role("option")).to_have_text(["@mariam", "@mark"])
    box.press("Enter")
    expect(box).to_have_value("Can you confirm the time with the ministry, @mariam ")
    box.press_sequentially("please. It differs from the report.")
    about = f"{FSI}Ministry of Defence of North{PDI} · Who started it: {FSI}South fired first.{PDI}"
    page.get_by_label("About").select_option(label=about)
    page.get_by_role("button", name="Comment", exact=True).click()
    comment = Comment.objects.get()
    expect(page.locator(f"#comment-{comment.pk} .comment-text")).to_have_text(
        "Can you confirm the time with the ministry, @mariam please. It differs from the report."
    )
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text("on the claim")
    assert_accessible(page, "#comments")
    page.locator("#assignee").scroll_into_view_if_needed()
    screenshot(page, "comments")

    expect(page.locator(".tabs")).to_contain_text("1 comment")
    expect(page.locator(".tabs")).to_contain_text("Assigned to mariam")
    page.get_by_role("button", name="Submit for review").click()
    page.get_by_role("link", name="Activity").click()
    expect(page.locator('[data-activity="workflow"]')).to_contain_text("submitted for review")
    expect(page.locator('[data-activity="comment"]')).to_contain_text("commented")
    assert_accessible(page)
    screenshot(page, "activity")

    reader = browser.new_page()
    login(reader, "mariam")
    expect(reader.locator(".my-work-link [data-unread]")).to_have_text("· 2 unread")
    reader.get_by_role("link", name="My work").click()
    expect(reader.locator(f'[data-assigned="{incident.pk}"]')).to_contain_text(incident.title)
    mention = reader.locator(f'[data-mention="{comment.pk}"]')
    expect(mention).to_contain_text("unread")
    expect(mention).to_contain_text("It differs from the report.")
    expect(reader.locator("[data-revision]")).to_contain_text("Drone strike near Jermuk")
    assert_accessible(reader)
    screenshot(reader, "mywork")
    mention.get_by_role("link").click()
    expect(reader.locator(f"#comment-{comment.pk}")).to_be_in_viewport()
    expect(reader.locator(".my-work-link [data-unread]")).to_have_text("· 1 unread")
    assert not csp_violations
    assert journalist.notifications.filter(read_at__isnull=True).count() == 1


def test_a_journalist_takes_an_unassigned_incident_and_edits_a_comment(
    page, live_server, belligerents, make_user, login
) -> None:
    incident = factories.incident(belligerents.conflict)
    journalist = make_user("jo", "Journalist")
    comment = comment_create(incident=incident, text="first draft", user=journalist)
    login(page, "jo")
    page.goto(f"{live_server.url}{incident.get_absolute_url()}")
    page.get_by_role("button", name="Take this incident").click()
    expect(page.locator("[data-assignee]")).to_have_text("jo")
    page.locator(f"#comment-{comment.pk}").get_by_role("link", name="Edit or delete").click()
    page.get_by_label("Comment").fill("second thoughts")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(f"#comment-{comment.pk} .comment-text")).to_have_text("second thoughts")
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text("edited")
