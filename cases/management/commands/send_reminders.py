from django.core.management.base import BaseCommand

from cases.services.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "Mailt wie moet handelen over zaken waarvan de termijn binnen N dagen verloopt "
        "of al verlopen is (voor cron; hooguit één herinnering per zaak per dag)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=2)

    def handle(self, *args, days, **options):
        sent = reminders_send(days=days)
        self.stdout.write(f"{sent} herinnering(en) verzonden.")
