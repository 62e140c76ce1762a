from django.urls import path

from .views import (
    access,
    appeals,
    case_files,
    client_signals,
    complaints,
    dossier,
    letter_preview,
    logbook,
    mediations,
    register,
)

app_name = "cases"

urlpatterns = [
    path("dossiers/", dossier.frontend_dossier_list, name="dossier_list"),
    path("dossiers/<int:pk>/", dossier.frontend_dossier, name="dossier"),
    path("bewijs/<uuid:uuid>/", dossier.evidence_download, name="evidence_download"),
    path("signalen/nieuw/", client_signals.signal_new, name="signal_new"),
    path("signalen/<int:pk>/", client_signals.signal_detail, name="signal"),
]

admin_urlpatterns = (
    [
        path("<int:pk>/", dossier.admin_dossier, name="dossier"),
        path(
            "<int:pk>/bewijs-toevoegen/",
            dossier.admin_evidence_upload,
            name="evidence_upload",
        ),
        path(
            "<int:pk>/toegang/verlenen/",
            access.admin_access_grant,
            name="access_grant",
        ),
        path(
            "<int:pk>/toegang/<int:user_pk>/intrekken/",
            access.admin_access_revoke,
            name="access_revoke",
        ),
        path("register/", register.register_list, name="register"),
        path(
            "register/<str:kind>/<int:pk>/logboek.csv",
            register.logbook_export,
            name="logbook_export",
        ),
        path(
            "register/<str:kind>/<int:pk>/logboek/",
            logbook.logbook_page,
            name="logbook",
        ),
        path("beroepen/registreren/", appeals.appeal_lodge_view, name="appeal_lodge"),
        path("beroepen/<int:pk>/", appeals.appeal_detail, name="appeal"),
        path(
            "signalen/<int:signal_pk>/klacht-registreren/",
            complaints.complaint_register_view,
            name="complaint_register",
        ),
        path("klachten/<int:pk>/", complaints.complaint_detail, name="complaint"),
        path(
            "mediations/registreren/",
            mediations.mediation_open_view,
            name="mediation_open",
        ),
        path("mediations/<int:pk>/", mediations.mediation_detail, name="mediation"),
        # The preview of each letter step, and its PDF (C3, C7, A3/A4, A6, A8,
        # E2, E6): <prefix>/<pk>/brief/<action>/ (cases.views.letter_preview).
        *letter_preview.urlpatterns(),
        path(
            "klachten/<int:pk>/bestanden/",
            case_files.case_upload,
            {"kind": "klacht"},
            name="complaint_upload",
        ),
        path(
            "mediations/<int:pk>/bestanden/",
            case_files.case_upload,
            {"kind": "mediation"},
            name="mediation_upload",
        ),
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
