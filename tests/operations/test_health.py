import importlib
import os
import time
from datetime import timedelta

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError, connection
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
CHECKS = {"database", "search", "storage", "queue"}


class SlowStorage(FileSystemStorage):
    """A storage that hangs, like an unreachable network share or bucket."""

    def listdir(self, path):
        time.sleep(2)
        return [], []


def _waiting_task(*, age: timedelta, status=TaskResultStatus.READY):
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="cases.tasks.extract_evidence_text",
        backend_name="default",
        run_after=get_date_max(),
        status=status,
    )
    # enqueued_at is set on insert; move it back in time.
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - age)
    return task


def _evidence_storage(settings, backend, location):
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {"BACKEND": backend, "OPTIONS": {"location": str(location)}},
    }


def test_health_answers_200_when_everything_is_well_without_login(client):
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == CHECKS
    assert all(check["ok"] for check in body["checks"].values())
    assert "Niet van toepassing" in body["checks"]["queue"]["detail"]
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "application/json"
    assert not response.cookies  # no session, no CSRF cookie


def test_health_needs_no_session_and_never_redirects_to_login(client):
    response = client.get("/health/", follow=False)
    assert response.status_code == 200
    assert "Location" not in response
    assert client.head("/health/").status_code == 200
    assert client.post("/health/").status_code == 405


def test_health_is_exempt_from_the_production_https_redirect(client, monkeypatch):
    monkeypatch.setitem(os.environ, "DJANGO_SECRET_KEY", "x" * 60)
    monkeypatch.setitem(os.environ, "DJANGO_ALLOWED_HOSTS", "portaal.example.nl")
    monkeypatch.setitem(os.environ, "DATABASE_URL", "postgres://u@localhost/db")
    production = importlib.reload(importlib.import_module("portal.settings.production"))
    assert production.SECURE_SSL_REDIRECT is True
    assert production.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    with override_settings(
        SECURE_SSL_REDIRECT=True,
        SECURE_REDIRECT_EXEMPT=production.SECURE_REDIRECT_EXEMPT,
    ):
        assert client.get("/health/").status_code == 200
        # Everything else still goes to HTTPS.
        assert client.get("/inloggen/").status_code == 301


def test_production_task_backend_can_still_be_chosen_by_environment(monkeypatch):
    monkeypatch.setitem(os.environ, "DJANGO_SECRET_KEY", "x" * 60)
    monkeypatch.setitem(os.environ, "DJANGO_ALLOWED_HOSTS", "portaal.example.nl")
    monkeypatch.setitem(os.environ, "DATABASE_URL", "postgres://u@localhost/db")
    immediate = "django_tasks.backends.immediate.ImmediateBackend"
    monkeypatch.setitem(os.environ, "PORTAL_TASKS_BACKEND", immediate)
    production = importlib.reload(importlib.import_module("portal.settings.production"))
    assert production.TASKS["default"]["BACKEND"] == immediate
    assert production.DATABASES["default"]["OPTIONS"]["connect_timeout"] == 10


def test_health_answers_503_when_the_database_fails(client):
    def refuse(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    with connection.execute_wrapper(refuse):
        response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fout"
    assert body["niet_in_orde"] == ["database"]
    assert body["checks"]["database"] == {
        "ok": False,
        "detail": "De database antwoordt niet. (OperationalError)",
    }
    # The exception's own text (hosts, users) never reaches the answer.
    assert "server closed" not in response.content.decode()


def test_health_answers_503_when_the_evidence_storage_fails(client, settings, tmp_path):
    not_a_folder = tmp_path / "bewijs"
    not_a_folder.write_text("een bestand waar een map hoort")
    _evidence_storage(settings, "cases.storage.EvidenceStorage", not_a_folder)
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["niet_in_orde"] == ["storage"]
    assert body["checks"]["storage"]["ok"] is False
    assert str(tmp_path) not in response.content.decode()


def test_health_gives_up_on_a_storage_that_hangs(client, settings, tmp_path):
    settings.PORTAL_HEALTH_TIMEOUT = 0.3
    _evidence_storage(settings, f"{__name__}.SlowStorage", tmp_path)
    started = time.monotonic()
    response = client.get("/health/")
    assert time.monotonic() - started < 1.5
    assert response.status_code == 503
    storage = response.json()["checks"]["storage"]
    assert storage["ok"] is False
    assert "Geen antwoord binnen 0.3 s" in storage["detail"]


def test_health_answers_503_when_the_search_index_is_missing(
    client, settings, tmp_path
):
    backends = {k: dict(v) for k, v in settings.WAGTAILSEARCH_BACKENDS.items()}
    if "PATH" not in backends["default"]:
        pytest.skip("the Whoosh backend's index on disk")
    backends["default"]["PATH"] = str(tmp_path / "geen-index")
    settings.WAGTAILSEARCH_BACKENDS = backends
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["niet_in_orde"] == ["search"]


def test_an_empty_evidence_storage_is_well(client, settings, tmp_path):
    # A fresh install: the folder is made by the first upload.
    _evidence_storage(settings, "cases.storage.EvidenceStorage", tmp_path / "nog-niet")
    response = client.get("/health/")
    assert response.status_code == 200
    assert "nog leeg" in response.json()["checks"]["storage"]["detail"]


@override_settings(TASKS=DB_TASKS, PORTAL_HEALTH_MAX_QUEUE_LAG=300)
def test_health_answers_503_when_the_task_queue_lags(client):
    _waiting_task(age=timedelta(minutes=10))
    _waiting_task(age=timedelta(seconds=5))
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["niet_in_orde"] == ["queue"]
    detail = body["checks"]["queue"]["detail"]
    assert detail.startswith(
        "Wachtende taken: 2; de oudste wacht al 600 s (grens 300 s)."
    )
    assert "db_worker" in detail


@override_settings(TASKS=DB_TASKS, PORTAL_HEALTH_MAX_QUEUE_LAG=300)
def test_a_queue_a_worker_keeps_up_with_is_well(client):
    assert client.get("/health/").json()["checks"]["queue"] == {
        "ok": True,
        "detail": "Er wachten geen taken.",
    }
    _waiting_task(age=timedelta(seconds=20))
    # Tasks that ran long ago, or run now, are no lag.
    _waiting_task(age=timedelta(hours=2), status=TaskResultStatus.SUCCESSFUL)
    _waiting_task(age=timedelta(hours=2), status=TaskResultStatus.RUNNING)
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["checks"]["queue"]["detail"].startswith(
        "Wachtende taken: 1; de oudste wacht 20 s"
    )


@override_settings(TASKS=DB_TASKS, PORTAL_HEALTH_MAX_QUEUE_LAG=300)
def test_a_task_deferred_to_later_counts_from_its_start_time(client):
    task = _waiting_task(age=timedelta(hours=1))
    DBTaskResult.objects.filter(pk=task.pk).update(
        run_after=timezone.now() - timedelta(seconds=30)
    )
    later = _waiting_task(age=timedelta(hours=1))
    DBTaskResult.objects.filter(pk=later.pk).update(
        run_after=timezone.now() + timedelta(hours=1)
    )
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["checks"]["queue"]["detail"].startswith(
        "Wachtende taken: 1; de oudste wacht 30 s"
    )
