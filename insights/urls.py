from django.urls import path

from . import review_views, views

app_name = "insights_admin"

urlpatterns = [
    path("kerngroepbijeenkomsten/", views.meeting_list, name="meetings"),
    path("kerngroepbijeenkomsten/nieuw/", views.meeting_new, name="meeting_new"),
    path("kerngroepbijeenkomsten/<int:pk>/", views.meeting_detail, name="meeting"),
    path(
        "kerngroepbijeenkomsten/<int:pk>/<str:action>/",
        views.meeting_action,
        name="meeting_action",
    ),
    path(
        "kerngroepbijeenkomsten/<int:pk>/agenda.pdf",
        views.meeting_pdf,
        {"minutes": False},
        name="meeting_agenda_pdf",
    ),
    path(
        "kerngroepbijeenkomsten/<int:pk>/notulen.pdf",
        views.meeting_pdf,
        {"minutes": True},
        name="meeting_minutes_pdf",
    ),
    path(
        "kerngroepbijeenkomsten/<int:pk>/agenda.xlsx",
        views.meeting_xlsx,
        name="meeting_xlsx",
    ),
    path("directiebeoordeling/", review_views.review_list, name="reviews"),
    path("directiebeoordeling/<int:year>/", review_views.review_detail, name="review"),
    path(
        "directiebeoordeling/<int:year>/goedkeuren/",
        review_views.review_approve,
        name="review_approve",
    ),
    path(
        "directiebeoordeling/<int:year>/pdf/",
        review_views.review_pdf,
        name="review_pdf",
    ),
    path(
        "directiebeoordeling/<int:year>/xlsx/",
        review_views.review_xlsx,
        name="review_xlsx",
    ),
]
