import importlib
import os
import shutil

import pytest
from django.apps import apps

from tracker.demo.load import demo_load
from tracker.selectors.freshness import stop_listening

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
