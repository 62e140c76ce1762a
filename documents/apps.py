from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Kwaliteitsdocumenten"

    def ready(self):
        from .signals import connect

        connect()
