"""``GET /health/``: may this process take traffic? (issue 14, item 4)

For the load balancer and the monitoring: four checks, each bounded in time, and
one JSON answer, 200 when all are well and 503 naming what is not. It needs no
login, sets no cookie and is never cached. The answer carries no configuration,
host names, paths or exception messages (those go to the log): only which check
failed, in Dutch, and small figures such as the queue's lag.

- ``database``: one trivial query;
- ``search``: the configured search backend answers a tiny count (Whoosh on local
  disk, or modelsearch's database backend);
- ``storage``: the evidence storage lists its top level (a folder or a bucket);
- ``queue``: with django-tasks-db, how long the oldest waiting task has waited
  (``PORTAL_HEALTH_MAX_QUEUE_LAG`` seconds at most: longer means no worker is
  taking tasks); with the immediate backend there is no queue.

The database checks run in the request's thread under PostgreSQL's
``statement_timeout``; the search and storage checks, which may wait on a disk or
a network, run in their own threads and are given up after
``PORTAL_HEALTH_TIMEOUT`` seconds.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.files.storage import storages
from django.db import connection, connections, transaction
from django.db.models import Count, Min, Q
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskResultStatus, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

logger = logging.getLogger(__name__)

# A word no document contains: the search check measures that the index answers,
# not what it finds.
SEARCH_PROBE = "gezondheidscontroleproefwoord"
# At most this many checks may still hang in the background (a storage that does
# not answer); beyond it a check is refused at once instead of piling up threads.
MAX_HANGING = 8
_hanging = threading.BoundedSemaphore(MAX_HANGING)


@dataclass(frozen=True)
class Outcome:
    ok: bool
    detail: str

    def as_dict(self) -> dict:
        return {"ok": self.ok, "detail": self.detail}


def _timeout() -> float:
    return float(getattr(settings, "PORTAL_HEALTH_TIMEOUT", 5))


def _failed(name: str, exc: BaseException, detail: str) -> Outcome:
    # The exception may name hosts, users or paths: it goes to the log only.
    logger.warning("Health check %s failed: %r", name, exc)
    return Outcome(False, f"{detail} ({type(exc).__name__})")


@contextmanager
def _bounded_sql():
    """A transaction whose statements PostgreSQL cancels after the timeout."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SET LOCAL statement_timeout = %s", [int(_timeout() * 1000)]
                )
        yield


# -- the checks ------------------------------------------------------------------


def check_database() -> Outcome:
    try:
        with _bounded_sql(), connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return _failed("database", exc, _("De database antwoordt niet."))
    return Outcome(True, _("De database antwoordt."))


def check_queue() -> Outcome:
    """The lag of the task queue: how long the oldest task that could run has
    been waiting for a worker."""
    try:
        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    except Exception as exc:
        return _failed("queue", exc, _("De takenwachtrij is niet goed ingesteld."))
    if not isinstance(backend, DatabaseBackend):
        return Outcome(
            True,
            _("Niet van toepassing: taken worden direct uitgevoerd, zonder wachtrij."),
        )
    limit = int(getattr(settings, "PORTAL_HEALTH_MAX_QUEUE_LAG", 300))
    now = timezone.now()
    never = get_date_max()  # run_after of a task without a start time
    try:
        with _bounded_sql():
            figures = (
                DBTaskResult.objects.filter(
                    backend_name=backend.alias, status=TaskResultStatus.READY
                )
                .filter(Q(run_after=never) | Q(run_after__lte=now))
                .aggregate(
                    waiting=Count("pk"),
                    enqueued=Min("enqueued_at", filter=Q(run_after=never)),
                    due=Min("run_after", filter=~Q(run_after=never)),
                )
            )
    except Exception as exc:
        return _failed("queue", exc, _("De takenwachtrij kon niet worden gelezen."))
    since = [moment for moment in (figures["enqueued"], figures["due"]) if moment]
    if not since:
        return Outcome(True, _("Er wachten geen taken."))
    lag = max(now - min(since), timedelta(0)).total_seconds()
    waiting = figures["waiting"]
    if lag > limit:
        return Outcome(
            False,
            _(
                "Wachtende taken: %(waiting)d; de oudste wacht al %(lag)d s (grens "
                "%(limit)d s). Draait de worker (manage.py db_worker)?"
            )
            % {"waiting": waiting, "lag": lag, "limit": limit},
        )
    return Outcome(
        True,
        _("Wachtende taken: %(waiting)d; de oudste wacht %(lag)d s.")
        % {"waiting": waiting, "lag": lag},
    )


def check_search() -> Outcome:
    try:
        backend = get_search_backend()
        backend.search(SEARCH_PROBE, Page.objects.all()).count()
    except Exception as exc:
        return _failed("search", exc, _("De zoekindex antwoordt niet."))
    return Outcome(True, _("De zoekindex antwoordt."))


def check_storage() -> Outcome:
    try:
        storages["evidence"].listdir("")
    except FileNotFoundError:
        # A folder not yet made: the first upload makes it (a fresh install).
        return Outcome(True, _("De opslag voor bewijsstukken is nog leeg."))
    except Exception as exc:
        return _failed(
            "storage", exc, _("De opslag voor bewijsstukken antwoordt niet.")
        )
    return Outcome(True, _("De opslag voor bewijsstukken antwoordt."))


# -- running them ------------------------------------------------------------------


class _Background:
    """One check in its own thread, given up after the timeout (the thread then
    ends on its own, and closes the database connection it may have opened)."""

    def __init__(self, name: str, check: Callable[[], Outcome]) -> None:
        self.name = name
        self.check = check
        self.outcome: Outcome | None = None
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        if not _hanging.acquire(blocking=False):
            self.outcome = Outcome(
                False, _("Eerdere controles hangen nog; er wordt niet opnieuw gewacht.")
            )
            return
        self.thread = threading.Thread(
            target=self._run, name=f"health-{self.name}", daemon=True
        )
        self.thread.start()

    def _run(self) -> None:
        try:
            self.outcome = self.check()
        except Exception as exc:
            self.outcome = _failed(self.name, exc, _("De controle is mislukt."))
        finally:
            connections.close_all()  # this thread's connections only
            _hanging.release()

    def result(self, deadline: float) -> Outcome:
        if self.thread is not None:
            self.thread.join(max(deadline - time.monotonic(), 0))
        if self.outcome is None:
            logger.warning("Health check %s gave no answer in time", self.name)
            return Outcome(
                False,
                _("Geen antwoord binnen %(seconds)s s; controle afgebroken.")
                % {"seconds": f"{_timeout():g}"},
            )
        return self.outcome


def run_checks() -> dict[str, Outcome]:
    """Every check's outcome. Search and storage start first, in their own
    threads, so that the whole answer takes at most about one timeout."""
    deadline = time.monotonic() + _timeout()
    background = [
        _Background("search", check_search),
        _Background("storage", check_storage),
    ]
    for job in background:
        job.start()
    outcomes = {"database": check_database(), "queue": check_queue()}
    for job in background:
        outcomes[job.name] = job.result(deadline)
    return {name: outcomes[name] for name in ("database", "search", "storage", "queue")}


@login_not_required
@require_safe
def health(request):
    outcomes = run_checks()
    failing = [name for name, outcome in outcomes.items() if not outcome.ok]
    body = {
        "status": "fout" if failing else "ok",
        "checks": {name: outcome.as_dict() for name, outcome in outcomes.items()},
    }
    if failing:
        body["niet_in_orde"] = failing
    response = JsonResponse(body, status=503 if failing else 200)
    response["Cache-Control"] = "no-store"
    return response
