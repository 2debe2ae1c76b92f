"""The test suite's start-up, as a pytest plugin (`-p config.testing` in pyproject's addopts):
its own data folder, then the embedded servers, before pytest-django reads the settings."""

from __future__ import annotations

import os
from collections.abc import Generator

import pytest

from config.bootstrap import ensure_services
from config.embedded import BASE_DIR


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> Generator[None, None, None]:
    """A wrapper runs before every plain implementation of the hook, pytest-django's (which
    loads the settings) among them."""
    os.environ.setdefault("COUNTERCLAIM_DATA_DIR", str(BASE_DIR / "var" / "test"))
    ensure_services()
    return (yield)
