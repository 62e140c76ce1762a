from django.core.management.base import BaseCommand

from cases.services import grants_expire


class Command(BaseCommand):
    help = (
        "Verwijdert verlopen toegangsrechten en legt dat vast in het logboek "
        "(voor cron; verlopen rechten geven al geen toegang meer)."
    )

    def handle(self, *args, **options):
        count = grants_expire()
        self.stdout.write(f"{count} verlopen toegangsrecht(en) opgeruimd.")
