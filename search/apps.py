from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Zoeken"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from cases.models import EvidenceFile

        from .scoping import forget_other_copies

        for signal in (post_save, post_delete):
            signal.connect(
                forget_other_copies,
                sender=EvidenceFile,
                dispatch_uid=f"search.forget_other_copies.{signal is post_save}",
            )
