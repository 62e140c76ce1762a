"""Switch off Wagtail's example workflow "Moderators approval".

Its approval task pointed at Wagtail's example group "Moderators", which 0003
removed; left active on the root page, every "submit for moderation" would wait for
an approver who does not exist (a dead end). The procedure-revision workflow
("Wijziging kwaliteitsdocument", quality officer drafts, management approves) takes
its place with the quality-documents work."""

from django.db import migrations


def disable(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    example = Workflow.objects.filter(name="Moderators approval")
    WorkflowPage.objects.filter(workflow__in=example).delete()
    example.update(active=False)


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_roles_and_site")]

    operations = [migrations.RunPython(disable, migrations.RunPython.noop)]
