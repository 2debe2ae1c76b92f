import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from tracker.demo.users import demo_users_create

pytestmark = pytest.mark.django_db


def _user_in(group: str):
    user = get_user_model().objects.create_user(f"u-{group}")
    user.groups.add(Group.objects.get(name=group))
    return get_user_model().objects.get(pk=user.pk)  # fresh permission cache


def test_editor_may_publish_and_merge():
    editor = _user_in("Editor")
    assert editor.has_perms(
        [
            "tracker.publish_incident",
            "tracker.merge_incident",
            "tracker.change_incident",
            "tracker.delete_claim",
        ]
    )


def test_journalist_edits_claims_but_cannot_publish_or_merge():
    journalist = _user_in("Journalist")
    assert journalist.has_perms(
        [
            "tracker.add_statement",
            "tracker.change_claim",
            "tracker.add_citation",
            "tracker.view_incident",
        ]
    )
    assert not journalist.has_perm("tracker.publish_incident")
    assert not journalist.has_perm("tracker.merge_incident")
    assert not journalist.has_perm("tracker.delete_incident")


def test_viewer_changes_nothing():
    viewer = _user_in("Viewer")
    perms = viewer.get_all_permissions()
    assert "tracker.view_claim" in perms
    assert perms
    assert all(perm.split(".")[1].startswith("view_") for perm in perms)


def test_demo_users_created_once_with_the_given_password():
    created, _password = demo_users_create(password="given-pass-1")
    assert created == ["editor", "journalist", "viewer"]
    assert get_user_model().objects.get(username="journalist").check_password("given-pass-1")
    assert demo_users_create(password="other")[0] == []


def test_demo_users_get_a_random_password_when_none_given():
    _, password = demo_users_create()
    assert len(password) >= 12
    assert get_user_model().objects.get(username="viewer").check_password(password)
