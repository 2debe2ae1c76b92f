from django.apps import AppConfig

# Loaded with Django, so that tasks sent from the web process go through this project's Celery
# app (configured from the settings) rather than Celery's default one.
import config.celery  # noqa: F401


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Counterclaim"
    default_auto_field = "django.db.models.BigAutoField"
