from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CriteriaConfig(AppConfig):
    name = "criteria"
    verbose_name = _("Kriterier")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import criteria.deadlines  # noqa: F401  (the reviewers' deadline kinds)
