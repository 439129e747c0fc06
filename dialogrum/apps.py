from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DialogrumConfig(AppConfig):
    name = "dialogrum"
    verbose_name = _("Dialogrum")
    default_auto_field = "django.db.models.BigAutoField"
