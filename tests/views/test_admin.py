import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_tracker_model_is_in_the_admin_and_searchable(client, demo, django_user_model):
    editor = django_user_model.objects.create_user("ed", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    client.force_login(editor)
    registered = {model for model in admin.site._registry if model._meta.app_label == "tracker"}

    tracker_models = {
        model
        for model in apps.get_app_config("tracker").get_models()
        if not model.__name__.endswith("Event")  # history rows: pghistory's own admin
    }
    assert tracker_models - registered == set()
    for model in sorted(registered, key=lambda m: m.__name__):
        url = reverse(f"admin:tracker_{model._meta.model_name}_changelist")
        response = client.get(url, {"q": "Armenia"})
        assert response.status_code == 200, model.__name__
        assert b'id="searchbar"' in response.content, model.__name__
