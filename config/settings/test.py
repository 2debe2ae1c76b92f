"""The test suite: its own data folder (var/test) so that it never touches `make run`'s data."""

import os

from config.embedded import BASE_DIR as _BASE

os.environ.setdefault("COUNTERCLAIM_DATA_DIR", str(_BASE / "var" / "test"))

from .base import *  # noqa: F403

SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; tests only
CACHES["default"]["KEY_PREFIX"] = "counterclaim-test"  # noqa: F405
COUNTERCLAIM_FETCH_ALLOW_NETWORKS = ["127.0.0.1/32"]  # the suite's own HTTP servers only
