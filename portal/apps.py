from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs):
    # post_migrate is sent once per app with models, in INSTALLED_APPS order, and
    # each app's permissions are created in its own round; sync once, after the last.
    with_models = [c for c in apps.get_app_configs() if c.models_module is not None]
    if sender is not with_models[-1]:
        return
    from documents.workflow import revision_workflow_ensure

    from .services import roles_sync

    roles_sync()
    revision_workflow_ensure()
    from documents.services import versions_backfill

    versions_backfill()


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portaal"

    def ready(self):
        # After every migrate (and after a test database flush) the role groups get
        # exactly the permissions of portal.roles.
        post_migrate.connect(_sync_roles, dispatch_uid="portal.roles_sync")
        from .accounts import audit

        audit.connect()
