from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlagelseOuConfig(AppConfig):
    name = "slagelse_ou"
    verbose_name = _("Organisation og brugere")
    default_auto_field = "django.db.models.BigAutoField"
