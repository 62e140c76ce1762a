from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_letter_templates(sender, **kwargs):
    # The quality officer finds every letter in the admin from the first migrate
    # on; existing (edited) templates are never overwritten.
    from .letters import letter_templates_ensure

    letter_templates_ensure()


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Casusregister"

    def ready(self):
        post_migrate.connect(
            _ensure_letter_templates, sender=self, dispatch_uid="cases.letters"
        )
