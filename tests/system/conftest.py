"""The browser tests' fixtures (tests/browser/conftest.py), for the system tests here too."""

from tests.browser.conftest import csp_violations, login, make_user

__all__ = ["csp_violations", "login", "make_user"]
