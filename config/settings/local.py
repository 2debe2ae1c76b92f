"""`make run`: debug on, a development secret unless one is given."""

from config.env import env_bool, env_str

from .base import *  # noqa: F403

DEBUG = env_bool("DEBUG", default=True)
SECRET_KEY = env_str("SECRET_KEY") or "local-development-only-not-secret"
