"""Name the page tree's root "Kwaliteitsportaal" instead of Wagtail's "Root".

Staff see the root as the first crumb of every page path in the admin and in the
page chooser; "Root" is Wagtail's placeholder, not a name (issue 17, item 3). Only a
root still called "Root" is renamed, so a name given in the admin survives."""

from django.db import migrations

WAGTAIL_NAME = "Root"
PORTAL_NAME = "Kwaliteitsportaal"


def rename(apps, schema_editor, old=WAGTAIL_NAME, new=PORTAL_NAME):
    Page = apps.get_model("wagtailcore", "Page")
    Page.objects.filter(depth=1, title=old).update(title=new, draft_title=new)


def restore(apps, schema_editor):
    rename(apps, schema_editor, old=PORTAL_NAME, new=WAGTAIL_NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0005_user_function"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(rename, restore)]
