from django.core.management.base import BaseCommand

from portal.demo_years import load_demo_history


class Command(BaseCommand):
    help = (
        "Laad een demogeschiedenis van vijf jaar (klantsignalen, klachten, "
        "kerngroepbijeenkomsten) voor de directiebeoordeling; nooit twee keer."
    )

    def handle(self, *args, **options):
        created = load_demo_history()
        if created:
            self.stdout.write(f"Demogeschiedenis geladen: {created} zaken.")
        else:
            self.stdout.write("Demogeschiedenis was al geladen.")
