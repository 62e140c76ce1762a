from django.apps import AppConfig


class InsightsConfig(AppConfig):
    """Management information (C11): the core-group meeting and the annual
    management review. Reads the register and the quality documents only through
    their selectors (``cases.selectors*``, ``cases.kinds``,
    ``documents.selectors*``)."""

    name = "insights"
    verbose_name = "Managementinformatie"
