from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlagelseOuConfig(AppConfig):
    name = "slagelse_ou"
    verbose_name = _("Organisation og brugere")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from slagelse_ou.middleware import session_start

        # The session's clocks start at sign-in, so no ordinary page writes the session.
        user_logged_in.connect(session_start, dispatch_uid="slagelse_ou.session_start")
