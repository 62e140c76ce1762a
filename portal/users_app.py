"""Wagtail's users app with the portal's user forms (the signer's function).

Its own module: a second AppConfig in portal/apps.py would stop Django from
picking PortalConfig as the portal's default configuration."""

from wagtail.users.apps import WagtailUsersAppConfig


class PortalUsersConfig(WagtailUsersAppConfig):
    user_viewset = "portal.users.PortalUserViewSet"
