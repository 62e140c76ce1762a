from django.urls import path

from . import views

# Included in portal's own URL namespace (portal/urls.py).
patterns = [
    path("inloggen/tweede-stap/", views.verify, name="second_factor_verify"),
    path(
        "inloggen/tweede-stap/instellen/",
        views.enrol,
        name="second_factor_enrol",
    ),
]
