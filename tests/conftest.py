import importlib
import os
import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from tests import factories
from tests.factories import Belligerents
from tracker.demo.load import demo_load
from tracker.selectors.freshness import stop_listening

# Shared servers and data as plugins: no test folder imports another one's conftest.
pytest_plugins = [
    "tests.plugins.browser",
    "tests.plugins.enrich_data",
    "tests.plugins.feed_server",
    "tests.plugins.hostile_servers",
    "tests.plugins.ledger_world",
    "tests.plugins.source_data",
    "tests.plugins.workers",
]

REPO = Path(__file__).resolve().parents[1]

# pytest-django's live_server and Playwright's sync API share the main thread's event loop; Django
# refuses ORM calls from a thread with a running loop unless told this is intended.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Where no chromium can be had (`make test` installs Debian's where apt-get exists), the
    browser tests are skipped with the reason, not failed."""
    if os.path.exists(CHROMIUM):
        return
    skip = pytest.mark.skip(reason=f"no chromium at {CHROMIUM} (set CHROMIUM_PATH)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's chromium: Playwright's own browser download does not work offline."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session", autouse=True)
def _validators_listener_closed(django_db_setup, django_db_blocker):
    """The web process's LISTEN connection (tracker.selectors.freshness) would keep the test
    database from being dropped at the end."""
    yield

    stop_listening()


@pytest.fixture
def roles(db):
    """The Editor, Journalist and Viewer groups. A transactional test (live_server) empties every
    table after it ran, rows of data migrations too; this puts the groups back the same way the
    migration made them."""
    migration = importlib.import_module("tracker.migrations.0002_groups")
    migration.create_groups(apps, None)


@pytest.fixture
def demo(db, roles):
    """The running example, loaded exactly as `manage.py load_demo` loads it."""
    return demo_load()


def password_of(username: str) -> str:
    """Every test user's password, so any test can log in through the login form."""
    return f"pw-{username}-123"


@pytest.fixture
def belligerents(db) -> Belligerents:
    """A conflict of two sides with a party each, for tests that need some conflict but not
    the demo's content."""
    return factories.conflict()


@pytest.fixture
def make_user(django_user_model, roles):  # type: ignore[no-untyped-def]
    """A user USERNAME in GROUP (Editor, Journalist, Viewer); password password_of(USERNAME)."""

    def make(username: str, group: str):  # type: ignore[no-untyped-def]
        user = django_user_model.objects.create_user(username, password=password_of(username))
        user.groups.add(Group.objects.get(name=group))
        return user

    return make


@pytest.fixture
def editor(make_user):  # type: ignore[no-untyped-def]
    return make_user("editor", "Editor")


@pytest.fixture
def journalist(make_user):  # type: ignore[no-untyped-def]
    return make_user("journalist", "Journalist")


@pytest.fixture
def viewer(make_user):  # type: ignore[no-untyped-def]
    return make_user("viewer", "Viewer")


@pytest.fixture
def admin(make_user):  # type: ignore[no-untyped-def]
    """An editor who may also use the admin site."""
    user = make_user("admin", "Editor")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def role_client(client, make_user):  # type: ignore[no-untyped-def]
    """A logged-in test client for a user of GROUP (Editor, Journalist, Viewer)."""

    def make(group: str):  # type: ignore[no-untyped-def]
        user = make_user(f"{group.lower()}-client", group)
        client.force_login(user)
        return client, user

    return make
