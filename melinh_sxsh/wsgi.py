import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "melinh_sxsh.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (once Django is set up)

from melinh_sxsh.lib.jobs import IN_PROCESS  # noqa: E402

if settings.CELERY_TASK_ALWAYS_EAGER:
    # No broker, so no beat: the process that runs the jobs also sweeps them.
    IN_PROCESS.start_sweeping()
