"""Create the role groups (replacing Wagtail's example groups) and the page tree's fixed points: the home page (the
dashboard, replacing Wagtail's welcome page) and the public section.

Permissions are assigned by portal.services.roles_sync after migrate, because most of
them belong to apps whose permissions do not exist yet at this point."""

from django.db import migrations

# Group names are the Dutch role names users see; portal.roles maps them to codes.
ROLE_NAMES = [
    "Portefeuillehouder Q",
    "Officemanager",
    "Directie",
    "Kerngroeplid",
    "Beoordelaar",
    "Certificatiebeslisser",
]


def create_roles_and_pages(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_NAMES:
        Group.objects.get_or_create(name=name)
    # Wagtail's generic example groups mean nothing here and would hold page rights
    # outside the role table.
    Group.objects.filter(name__in=["Moderators", "Editors"]).delete()

    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    HomePage = apps.get_model("portal", "HomePage")
    PublicIndexPage = apps.get_model("portal", "PublicIndexPage")

    if HomePage.objects.exists():
        return
    locale = Locale.objects.first()
    # Wagtail's initial migration made a placeholder welcome page at 00010001.
    Page.objects.filter(depth=2, slug="home").delete()
    root = Page.objects.get(depth=1)

    home_ct, _ = ContentType.objects.get_or_create(app_label="portal", model="homepage")
    home = HomePage.objects.create(
        title="Mijn werk",
        draft_title="Mijn werk",
        slug="home",
        content_type=home_ct,
        path="00010001",
        depth=2,
        numchild=1,
        url_path="/home/",
        locale=locale,
        live=True,
    )
    public_ct, _ = ContentType.objects.get_or_create(
        app_label="portal", model="publicindexpage"
    )
    PublicIndexPage.objects.create(
        title="Openbare documenten",
        draft_title="Openbare documenten",
        slug="openbaar",
        content_type=public_ct,
        path="000100010001",
        depth=3,
        numchild=0,
        url_path="/home/openbaar/",
        locale=locale,
        live=True,
        intro=(
            "<p>Hier publiceren wij de documenten die iedereen mag inzien, "
            "waaronder onze procedure voor klachten en beroep.</p>"
        ),
    )
    root.numchild = 1
    root.save(update_fields=["numchild"])
    Site.objects.all().delete()
    Site.objects.create(
        hostname="localhost", port=80, root_page_id=home.pk, is_default_site=True,
        site_name="Kwaliteitsportaal",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_homepage_organisationsettings_publicindexpage"),
        ("wagtailcore", "0098_apitoken"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_roles_and_pages, migrations.RunPython.noop),
    ]
