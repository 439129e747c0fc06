from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "initiatives"
    verbose_name = _("Prøvehandlinger")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from initiatives.models import Initiative, Pejlemaerke, pejlemaerke_deleted, pejlemaerker_changed
        from initiatives.selectors import initiative_filter_choices_forget
        from slagelse_ou.models import OrgUnit

        # The list filters' cached choices (selectors.initiative_filter_choices) follow every
        # saved or deleted unit and pejlemærke, whoever saves it (services, admin, commands).
        for model in (OrgUnit, Pejlemaerke):
            for signal, event in ((post_save, "saved"), (post_delete, "deleted")):
                uid = f"filter-choices-{model.__name__}-{event}"
                signal.connect(initiative_filter_choices_forget, sender=model, dispatch_uid=uid)

        # Initiative.pejlemaerke_ids follows the M2M table, whoever changes it.
        m2m_changed.connect(
            pejlemaerker_changed, sender=Initiative.pejlemaerker.through, dispatch_uid="initiative-pejlemaerke-ids"
        )
        post_delete.connect(pejlemaerke_deleted, sender=Pejlemaerke, dispatch_uid="initiative-pejlemaerke-ids-delete")

        # The trial's deadline kinds (and the deadline subject: owner, team, owning unit).
        import initiatives.deadlines  # noqa: F401
