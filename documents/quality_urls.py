from django.urls import path

from . import quality_views, review_views

app_name = "documents_quality"

urlpatterns = [
    path(
        "procedures/<str:code>/versie/<str:label>/gelezen/",
        quality_views.acknowledge,
        name="acknowledge",
    ),
]

admin_urlpatterns = (
    [
        path(
            "leesbevestigingen/",
            quality_views.acknowledgement_report,
            name="acknowledgements",
        ),
        path("beoordelingen/", quality_views.review_report, name="reviews"),
        path(
            "herzieningen/<int:page_pk>/beoordelen/",
            review_views.revision_review,
            name="revision_review",
        ),
        path(
            "wijzigingsverzoeken/",
            quality_views.change_request_list,
            name="change_requests",
        ),
        path(
            "wijzigingsverzoeken/nieuw/<int:complaint_pk>/",
            quality_views.change_request_new,
            name="change_request_new",
        ),
    ],
    "documents_admin",
)
