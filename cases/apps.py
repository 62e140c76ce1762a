from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save, pre_delete


def _ensure_letter_templates(sender, **kwargs):
    # The quality officer finds every letter in the admin from the first migrate
    # on; existing (edited) templates are never overwritten.
    from .letters import letter_templates_ensure

    letter_templates_ensure()


def _reindex_case_of_note(sender, instance, created, raw=False, **kwargs):
    # A logbook note is part of its case's search document (issue 6, item 3).
    # The case is reindexed like any saved indexed model: by the task queue,
    # after the commit, so it reads the committed note.
    if raw or not instance.note:
        return
    case = instance.case
    # A model that opted out of automatic indexing (modelsearch's own flag).
    if case is None or not getattr(case, "search_auto_update", True):
        return
    from modelsearch.tasks import insert_or_update_object_task

    insert_or_update_object_task.enqueue(
        case._meta.app_label, case._meta.model_name, str(case.pk)
    )


def _protect_logbook(sender, instance, **kwargs):
    # The logbook reaches its case generically, and Django would delete a
    # generic relation's rows with the case: a case with a logbook stays, as the
    # foreign keys' PROTECT kept it before.
    from django.db.models import ProtectedError

    from .models import Case

    if isinstance(instance, Case) and instance.pk and instance.events.exists():
        raise ProtectedError(
            f"{instance} heeft een logboek en kan niet worden verwijderd.",
            set(instance.events.all()[:1]),
        )


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Casusregister"

    def ready(self):
        from portal.scoping import register_object_scope

        from . import case_kinds  # noqa: F401 (registers the procedure's kinds)
        from .selectors import selectors

        # Every admin URL naming one of these objects answers 404 outside the
        # user's scope, whichever Wagtail view it is (portal.scoping).
        for model, selector in selectors().items():
            register_object_scope(model, selector)
        post_migrate.connect(
            _ensure_letter_templates, sender=self, dispatch_uid="cases.letters"
        )
        pre_delete.connect(_protect_logbook, dispatch_uid="cases.protect_logbook")
        post_save.connect(
            _reindex_case_of_note,
            sender="cases.CaseEvent",
            dispatch_uid="cases.logbook_search",
        )
