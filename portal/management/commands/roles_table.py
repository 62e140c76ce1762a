from django.core.management.base import BaseCommand

from portal.roles import roles_markdown_table


class Command(BaseCommand):
    help = "Print de rollentabel voor de README (gegenereerd uit portal/roles.py)."

    def handle(self, *args, **options):
        self.stdout.write(roles_markdown_table())
