from django.apps import AppConfig


class OpennessConfig(AppConfig):
    name = "openness"
    verbose_name = "Åbenhed (feeds, åbne data, kalendere)"
