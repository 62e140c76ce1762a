from django.urls import path

from .views import appeals, dossier, signals

app_name = "cases"

urlpatterns = [
    path("dossiers/", dossier.frontend_dossier_list, name="dossier_list"),
    path("dossiers/<int:pk>/", dossier.frontend_dossier, name="dossier"),
    path("bewijs/<uuid:uuid>/", dossier.evidence_download, name="evidence_download"),
    path("signalen/nieuw/", signals.signal_new, name="signal_new"),
    path("signalen/<int:pk>/", signals.signal_detail, name="signal"),
]

admin_urlpatterns = (
    [
        path("<int:pk>/", dossier.admin_dossier, name="dossier"),
        path(
            "<int:pk>/bewijs-toevoegen/",
            dossier.admin_evidence_upload,
            name="evidence_upload",
        ),
        path("beroepen/registreren/", appeals.appeal_lodge_view, name="appeal_lodge"),
        path("beroepen/<int:pk>/", appeals.appeal_detail, name="appeal"),
        path(
            "beslissing/<int:pk>/verzonden/",
            dossier.admin_decision_mark_emailed,
            name="decision_mark_emailed",
        ),
        path(
            "beslissing/<int:pk>/vervangen/",
            dossier.admin_decision_supersede,
            name="decision_supersede",
        ),
        path(
            "bewijs/<int:pk>/verwijderen/",
            dossier.admin_evidence_delete,
            name="evidence_delete",
        ),
    ],
    "cases_admin",
)
