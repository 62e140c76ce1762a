"""Create the quality handbook below the home page, so a fresh installation has a
place for procedures from the start."""

from django.db import migrations


def create_handbook(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    HandbookPage = apps.get_model("documents", "HandbookPage")
    HomePage = apps.get_model("portal", "HomePage")
    if HandbookPage.objects.exists():
        return
    home = HomePage.objects.first()
    if home is None:
        return
    children = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1)
    last = children.order_by("-path").first()
    next_step = int(last.path[-4:], 36) + 1 if last else 1
    step = ""
    n = next_step
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for _ in range(4):
        step = alphabet[n % 36] + step
        n //= 36
    ct, _ = ContentType.objects.get_or_create(app_label="documents", model="handbookpage")
    HandbookPage.objects.create(
        title="Kwaliteitshandboek",
        draft_title="Kwaliteitshandboek",
        slug="handboek",
        content_type=ct,
        path=home.path + step,
        depth=home.depth + 1,
        numchild=0,
        url_path=home.url_path + "handboek/",
        locale_id=home.locale_id,
        live=True,
        intro=(
            "<p>Alle geldende procedures van het kwaliteitssysteem. "
            "Elke procedure toont haar versie en ingangsdatum.</p>"
        ),
    )
    Page.objects.filter(pk=home.pk).update(numchild=home.numchild + 1)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
        ("portal", "0003_roles_and_site"),
    ]

    operations = [migrations.RunPython(create_handbook, migrations.RunPython.noop)]
