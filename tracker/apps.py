from django.apps import AppConfig
from django.db.backends.signals import connection_created

# Loaded with Django, so that tasks sent from the web process go through this project's Celery
# app (configured from the settings) rather than Celery's default one.
import config.celery  # noqa: F401
from tracker.selectors.freshness import watch_writes


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Counterclaim"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Cache validators go stale the moment this process commits a write (see freshness).
        connection_created.connect(watch_writes, dispatch_uid="tracker.freshness.watch_writes")
