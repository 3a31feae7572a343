"""The Celery app: configured from Django settings (CELERY_*), tasks found in each app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comicstudio.settings")

app = Celery("comicstudio")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Sub-packages with their own tasks module.
app.autodiscover_tasks(
    [
        "generation.takes",
        "generation.export",
        "generation.design",
        "generation.continuity",
        "generation.sound",
        "generation.api",
    ]
)
