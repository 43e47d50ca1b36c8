import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "melinh_sxsh.settings")

app = Celery("melinh_sxsh")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
