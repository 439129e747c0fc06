from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CriteriaConfig(AppConfig):
    name = "criteria"
    verbose_name = _("Kriterier")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import criteria.deadlines  # noqa: F401  (the reviewers' deadline kinds)
        from criteria import services
        from initiatives import workflow

        # Approve, reject and send back are decisions: criteria's own API behind the lifecycle's buttons.
        workflow.action_service_register("approve", services.initiative_approve)
        workflow.action_service_register("reject", services.initiative_reject)
        workflow.action_service_register("request_changes", services.initiative_request_changes)

        # A submitted application asks the owning unit's manager for an endorsement.
        def submitted(*, initiative, **kwargs) -> None:
            services.endorsement_request_notify(initiative=initiative)

        workflow.initiative_submitted.connect(submitted, weak=False, dispatch_uid="criteria-endorsement-request")
