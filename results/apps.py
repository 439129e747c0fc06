import logging

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "results"
    verbose_name = _("Resultater, viden og rapporter")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # WeasyPrint logs every layout step at INFO (even its import); a log needs its warnings.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
        # The detail page's history reads its labels from initiatives.models.EVENT_LABELS;
        # the events this app writes register theirs here instead of editing that module.
        from initiatives.models import EVENT_LABELS
        from results.models import EVENT_LABELS as OURS

        EVENT_LABELS.update(OURS)

        import results.deadlines  # noqa: F401  (the status report's deadline kind)
        from initiatives import workflow
        from results import services

        # "Afslut" needs the team's evaluation and answered exemptions; concluding closes the evaluation.
        workflow.action_service_register("conclude", services.evaluation_conclude)
        workflow.initiative_concluded.connect(
            services.evaluation_concluded, weak=False, dispatch_uid="results-evaluation-concluded"
        )
