"""The production stack of ``scripts/smoke_production.sh``, started from Python
(for ``scripts/load_run.py``).

The same steps and environment as the smoke's shell half: a fresh PostgreSQL
database and data folder, ``portal.settings.production`` with a random secret
key, ``migrate``, ``update_index`` and ``collectstatic`` (beside ``migrate``),
gunicorn with two workers and ``manage.py db_worker`` on a free port of
127.0.0.1. Every process it starts runs in a session of its own (a Ctrl-C in the
terminal reaches only this script, which then stops them) and is remembered by
its pid; :meth:`ProductionStack.stop` stops each of them (TERM, after 5 s KILL),
drops the database with ``FORCE`` and removes the folder, also after a failure.

    with ProductionStack(prefix="portal_load") as stack:
        stack.manage("load_demo")
        ...  # HTTP to stack.base_url

Needs the virtualenv (``make install``) and PostgreSQL on PGHOST:PGPORT (default
127.0.0.1:5432, user postgres, trust auth, as in CI).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
#: Nothing from the caller's environment that would change what is tested.
UNSET = (
    "PORTAL_TASKS_BACKEND",
    "PORTAL_EVIDENCE_ROOT",
    "PORTAL_MEDIA_ROOT",
    "PORTAL_SECOND_FACTOR",
    "DJANGO_READ_DOT_ENV_FILE",
    "DJANGO_SECURE_SSL_REDIRECT",
    "PORTAL_CACHE_URL",
)
CONSOLE_MAIL = "django.core.mail.backends.console.EmailBackend"
STOP_WAIT = 5.0  # seconds between TERM and KILL, as the smoke's cleanup


class StackError(Exception):
    """A step of the start failed; the message says which (Dutch, for the user)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ProductionStack:
    def __init__(self, *, prefix: str = "portal_stack", workers: int = 2, say=None):
        self.say = say or (lambda text: print(text, flush=True))
        self.workers = workers
        self.db = f"{prefix}_{int(time.time())}_{os.getpid()}"
        self.work = Path(tempfile.mkdtemp(prefix=f"{prefix.replace('_', '-')}."))
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.pg_env = {
            "PGHOST": os.environ.get("PGHOST", "127.0.0.1"),
            "PGPORT": os.environ.get("PGPORT", "5432"),
            "PGUSER": os.environ.get("PGUSER", "postgres"),
        }
        self.processes: list[subprocess.Popen] = []  # every one we started
        self.servers: dict[str, subprocess.Popen] = {}
        self.db_created = False
        self.env = self._environment()

    # -- the environment -------------------------------------------------------

    def _environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in UNSET}
        pg = self.pg_env
        env.update(pg)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "portal.settings.production",
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DJANGO_CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{self.port}",
                "DATABASE_URL": (
                    f"postgres://{pg['PGUSER']}@{pg['PGHOST']}:{pg['PGPORT']}/{self.db}"
                ),
                "PORTAL_DATA_DIR": str(self.work / "data"),
                "PORTAL_STATIC_ROOT": str(self.work / "static"),
                "PORTAL_BASE_URL": f"https://127.0.0.1:{self.port}",
                "DJANGO_EMAIL_BACKEND": CONSOLE_MAIL,
                "PYTHONUNBUFFERED": "1",
            }
        )
        return env

    def use_in_this_process(self) -> None:
        """The same environment for this process (its ORM reads the database)."""
        for name in UNSET:
            os.environ.pop(name, None)
        os.environ.update(self.env)
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))

    # -- processes -------------------------------------------------------------

    def spawn(self, command: list[str], log: str) -> subprocess.Popen:
        """Start ``command`` in the background, its output appended to ``log``."""
        with open(self.work / log, "ab") as out:
            process = subprocess.Popen(  # noqa: S603
                command,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append(process)
        return process

    def run(self, command: list[str], log: str, what: str) -> None:
        """A step: started like a server (so that stop() can end it), waited for."""
        process = self.spawn(command, log)
        if process.wait():
            raise StackError(f"{what} mislukt (code {process.returncode}).")

    def manage(self, *args: str, log: str = "setup.log") -> None:
        self.run([str(PYTHON), "manage.py", *args], log, args[0])

    def psql(self, sql: str) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603
            ["psql", "-d", "postgres", "-qc", sql],  # noqa: S607
            env={**os.environ, **self.pg_env},
            capture_output=True,
            text=True,
            check=False,
        )

    # -- start and stop ----------------------------------------------------------

    def start(self) -> ProductionStack:
        started = time.monotonic()
        if not PYTHON.exists():
            raise StackError("geen virtualenv in .venv; voer eerst 'make install' uit.")
        ready = subprocess.run(
            ["pg_isready", "-q"],  # noqa: S607
            env={**os.environ, **self.pg_env},
            check=False,
        )
        if ready.returncode:
            raise StackError(
                f"PostgreSQL antwoordt niet op "
                f"{self.pg_env['PGHOST']}:{self.pg_env['PGPORT']}."
            )
        (self.work / "data").mkdir()
        created = self.psql(f"CREATE DATABASE {self.db}")
        if created.returncode:
            raise StackError(f"database {self.db} niet aangemaakt: {created.stderr}")
        self.db_created = True
        self.say(
            f"OK: database {self.db} en datamap {self.work} aangemaakt; "
            f"productie-instellingen, poort {self.port}"
        )
        # collectstatic needs no database: it runs beside migrate.
        collect = self.spawn(
            [str(PYTHON), "manage.py", "collectstatic", "--noinput", "-v", "0"],
            "collectstatic.log",
        )
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("update_index")
        if collect.wait():
            raise StackError("collectstatic mislukt.")
        self.say(
            "OK: migrate, update_index en collectstatic in "
            f"{time.monotonic() - started:.0f} s"
        )
        self.servers["gunicorn"] = self.spawn(
            [
                str(GUNICORN),
                "portal.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "60",
                "--control-socket",
                str(self.work / "gunicorn.ctl"),
                "--access-logfile",
                str(self.work / "gunicorn-access.log"),
            ],
            "gunicorn.log",
        )
        self.servers["db_worker"] = self.spawn(
            [
                str(PYTHON),
                "manage.py",
                "db_worker",
                "--interval",
                "0.5",
                "--no-startup-delay",
                "--worker-id",
                "load-worker",
            ],
            "worker.log",
        )
        self.say(
            f"OK: gunicorn (pid {self.servers['gunicorn'].pid}, {self.workers} "
            f"workers) en db_worker (pid {self.servers['db_worker'].pid}) gestart"
        )
        return self

    def alive(self, name: str) -> bool:
        return self.servers[name].poll() is None

    def stop(self, *, failed: bool = False) -> None:
        """Stop everything started (by pid), drop the database, remove the folder.
        Safe to call twice; never raises."""
        for process in self.processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=STOP_WAIT)
            except subprocess.TimeoutExpired:
                # Its own session: the group is ours (gunicorn's workers with it).
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()
        if failed:
            for log in sorted(self.work.glob("*.log")):
                lines = log.read_text("utf-8", errors="replace").splitlines()[-30:]
                print(f"---- laatste regels van {log.name} ----", file=sys.stderr)
                print("\n".join(lines), file=sys.stderr)
        if self.db_created:
            dropped = self.psql(f"DROP DATABASE IF EXISTS {self.db} WITH (FORCE)")
            if dropped.returncode:
                print(
                    f"Let op: database {self.db} kon niet worden verwijderd.",
                    file=sys.stderr,
                )
            else:
                self.db_created = False
        shutil.rmtree(self.work, ignore_errors=True)

    def __enter__(self) -> ProductionStack:
        try:
            return self.start()
        except BaseException:
            self.stop(failed=True)
            raise

    def __exit__(self, exc_type, exc, tb) -> None:
        self.stop(failed=exc_type is not None)
