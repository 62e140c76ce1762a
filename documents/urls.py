from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("procedures/<str:code>/", views.procedure_by_code, name="procedure"),
    path(
        "procedures/<str:code>/versie/<str:label>.pdf",
        views.version_pdf,
        name="version_pdf",
    ),
    path("procedures/<str:code>/concept.pdf", views.draft_pdf, name="draft_pdf"),
    path("procedures/<str:code>/vergelijk/", views.compare, name="compare"),
]
