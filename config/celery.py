import os

from celery import Celery

from config.bootstrap import ensure_services

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("counterclaim")
# Worker and beat start the embedded servers (or attach) when the app first reads its settings,
# not when `config` is imported: the web process and the tests have done it already, and the type
# checker imports the settings without starting anything.
app.on_configure.connect(lambda **_: ensure_services(), weak=False)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
