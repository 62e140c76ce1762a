from django.core.management.base import BaseCommand

from portal.demo import DEMO_PASSWORD, load_demo
from portal.roles import role_name


class Command(BaseCommand):
    help = (
        "Laadt demo-inhoud (organisatie, een gebruiker per rol, klanten, "
        "handboek). Veilig om opnieuw te draaien: bestaande gegevens blijven."
    )

    def handle(self, *args, **options):
        users = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo-inhoud staat klaar."))
        self.stdout.write("")
        self.stdout.write("Demo-gebruikers (alleen voor demonstratie):")
        width = max(len(u.username) for u, _ in users)
        for demo, created in users:
            role = role_name(demo.role) if demo.role else "technisch beheer (superuser)"
            password = (
                DEMO_PASSWORD if created else "(bestond al; wachtwoord ongewijzigd)"
            )
            self.stdout.write(f"  {demo.username:<{width}}  {password:<22}  {role}")
        self.stdout.write("")
        self.stdout.write(
            f"Standaardwachtwoord van de demo-gebruikers: {DEMO_PASSWORD}"
        )
