"""The test suite: its own data folder (var/test, chosen by config.testing before start-up) so
that it never touches `make run`'s data."""

from .base import *  # noqa: F403

SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; tests only
CACHES["default"]["KEY_PREFIX"] = "counterclaim-test"  # noqa: F405
COUNTERCLAIM_FETCH_ALLOW_NETWORKS = ["127.0.0.1/32"]  # the suite's own HTTP servers only
