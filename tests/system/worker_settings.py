"""Settings of the worker processes the fault tests start: the test settings, on the database
and broker given in the environment, with a short visibility timeout so that a message whose
worker was killed is delivered again within seconds instead of an hour."""

from config.settings.test import *  # noqa: F403

if REDIS_URL.startswith("unix://"):  # noqa: F405
    CELERY_BROKER_URL = "redis+socket://" + REDIS_URL.removeprefix("unix://").split("?", 1)[0]  # noqa: F405
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 5,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
