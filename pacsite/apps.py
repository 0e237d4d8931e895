from django.apps import AppConfig


class PacsiteConfig(AppConfig):
    name = "pacsite"
    verbose_name = "PAC"

    def ready(self):
        from . import checks  # noqa: F401 (importing registers the deploy checks)
