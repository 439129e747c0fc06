import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slagelse_ou.settings")
application = get_wsgi_application()

from slagelse_ou.lib.gc_freeze import freeze_after_start_up  # noqa: E402 — needs Django set up

freeze_after_start_up()
