"""Project configuration. Importing it has no side effects: the Celery app (config.celery) is
loaded by `celery -A config` and by tracker.apps when Django starts, settings by Django."""
