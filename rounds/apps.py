from django.apps import AppConfig


class RoundsConfig(AppConfig):
    name = "rounds"
    verbose_name = "Ansøgningsrunder og milepæle"

    def ready(self) -> None:
        import rounds.deadlines  # noqa: F401  (the milestones' deadline kind)
