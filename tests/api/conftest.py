import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from rest_framework.test import APIClient

# The ingest suite's HTTP server on 127.0.0.1 serving ../shared/data (sources by URL).
from tests.ingest.conftest import feed_server, server  # noqa: F401
from tracker.enums import TokenScope
from tracker.services.api_tokens import api_token_create


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Throttle counters live in Redis, which outlives a test's transaction."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("editor", password="pw-editor-123")
    user.groups.add(Group.objects.get(name="Editor"))
    return user


@pytest.fixture
def viewer(django_user_model):
    user = django_user_model.objects.create_user("viewer", password="pw-viewer-123")
    user.groups.add(Group.objects.get(name="Viewer"))
    return user


@pytest.fixture
def write_key(editor) -> str:
    _, key = api_token_create(user=editor, name="desk", scope=TokenScope.WRITE, created_by=editor)
    return key


@pytest.fixture
def read_key(editor) -> str:
    _, key = api_token_create(user=editor, name="dash", scope=TokenScope.READ, created_by=editor)
    return key


@pytest.fixture
def editor_api(write_key) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {write_key}")
    return client
