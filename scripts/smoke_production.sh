#!/usr/bin/env bash
# Production smoke test (issue 14): the portal as it runs in production, end to end.
#
# A fresh PostgreSQL database and data folder, production settings
# (portal.settings.production: HTTPS redirect, Secure cookies, second factor
# required, WhiteNoise's manifest, the django-tasks-db queue), gunicorn with two
# workers and `manage.py db_worker` as separate processes; then, over HTTP on
# 127.0.0.1 (scripts/smoke_production.py): /health/, a static file, login with the
# second factor, an evidence upload whose text the worker extracts, the search
# page finding it, its download and the audit-log entry of that download.
# Everything it started is stopped, and the database dropped, also on failure.
#
#   bash scripts/smoke_production.sh
#
# Needs the virtualenv (make install) and PostgreSQL on PGHOST:PGPORT (default
# 127.0.0.1:5432, user postgres, trust auth, as in CI). Exits non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER

DB="portal_smoke_$(date +%s)_$$"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/portal-smoke.XXXXXX")
PIDS=()  # the servers; never reaped before cleanup, so their numbers stay ours
COLLECT_PID=
STEP_PID=
DB_CREATED=

say() { printf '%s\n' "$*"; }
fail() { say "FOUT: $*" >&2; exit 1; }
# A step runs in the background and is waited for, so that a signal (the CI's
# timeout) is handled at once, not only after the step, and the step is stopped too.
step() {
  "$@" &
  STEP_PID=$!
  local status=0
  wait "$STEP_PID" || status=$?
  STEP_PID=
  return "$status"
}

# The script's own output, kept for cleanup: a signal may arrive inside a step whose
# output goes to a log file.
exec 3>&1 4>&2
cleanup() {
  local status=$?
  trap - EXIT
  exec 1>&3 2>&4
  local pids=("${PIDS[@]}" ${COLLECT_PID:+"$COLLECT_PID"} ${STEP_PID:+"$STEP_PID"})
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  if [ "$status" != 0 ]; then
    for log in "$WORK"/*.log; do
      [ -f "$log" ] || continue
      say "---- laatste regels van $(basename "$log") ----" >&2
      tail -n 30 "$log" >&2 || true
    done
  fi
  if [ -n "$DB_CREATED" ]; then
    psql -d postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 ||
      say "Let op: database $DB kon niet worden verwijderd." >&2
  fi
  rm -rf "$WORK"
  if [ "$status" = 0 ]; then
    say "Rookproef geslaagd in ${SECONDS} s; alle processen gestopt, database $DB verwijderd."
  else
    say "Rookproef MISLUKT (status $status); processen gestopt, database verwijderd." >&2
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ -x "$PY" ] || fail "geen virtualenv in .venv; voer eerst 'make install' uit."
pg_isready -q || fail "PostgreSQL antwoordt niet op $PGHOST:$PGPORT."

# -- the production environment ------------------------------------------------------
# Nothing from the caller's environment that would change what is tested.
unset PORTAL_TASKS_BACKEND PORTAL_EVIDENCE_ROOT PORTAL_MEDIA_ROOT PORTAL_SECOND_FACTOR \
  DJANGO_READ_DOT_ENV_FILE DJANGO_SECURE_SSL_REDIRECT PORTAL_CACHE_URL
PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export DJANGO_SETTINGS_MODULE=portal.settings.production
DJANGO_SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
export DJANGO_SECRET_KEY
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DJANGO_CSRF_TRUSTED_ORIGINS="https://127.0.0.1:$PORT"
export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB"
export PORTAL_DATA_DIR="$WORK/data"
export PORTAL_STATIC_ROOT="$WORK/static"
export PORTAL_BASE_URL="https://127.0.0.1:$PORT"
export DJANGO_EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend
export PYTHONUNBUFFERED=1
mkdir -p "$PORTAL_DATA_DIR"

psql -d postgres -qc "CREATE DATABASE $DB" >/dev/null
DB_CREATED=1
say "OK: database $DB en datamap $WORK aangemaakt; productie-instellingen, poort $PORT"

# -- install, as the README's deployment steps -----------------------------------------
# collectstatic needs no database: it runs beside migrate.
"$PY" manage.py collectstatic --noinput -v 0 >"$WORK/collectstatic.log" 2>&1 &
COLLECT_PID=$!
step "$PY" manage.py migrate --noinput -v 0 >"$WORK/setup.log" 2>&1 ||
  fail "migrate mislukt."
step "$PY" manage.py update_index >>"$WORK/setup.log" 2>&1 || fail "update_index mislukt."
collect_status=0
wait "$COLLECT_PID" || collect_status=$?
COLLECT_PID=  # reaped: its number may belong to another process from now on
[ "$collect_status" = 0 ] || fail "collectstatic mislukt."
say "OK: migrate, update_index en collectstatic (manifest van WhiteNoise) in ${SECONDS} s"

# -- the production processes -------------------------------------------------------------
.venv/bin/gunicorn portal.wsgi --bind "127.0.0.1:$PORT" --workers 2 --timeout 60 \
  --access-logfile "$WORK/gunicorn-access.log" >"$WORK/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
PIDS+=("$GUNICORN_PID")
"$PY" manage.py db_worker --interval 0.5 --no-startup-delay --worker-id smoke-worker \
  >"$WORK/worker.log" 2>&1 &
WORKER_PID=$!
PIDS+=("$WORKER_PID")
say "OK: gunicorn (pid $GUNICORN_PID, 2 workers) en db_worker (pid $WORKER_PID) gestart"

# Demo users and dossiers (the quality officer `kwaliteit`), loaded while the
# servers start; their search indexing is queued and done by the worker.
step "$PY" manage.py load_demo >>"$WORK/setup.log" 2>&1 || fail "load_demo mislukt."
say "OK: demogegevens geladen (${SECONDS} s)"

# -- one quality officer's path, over HTTP -------------------------------------------------
step "$PY" scripts/smoke_production.py "http://127.0.0.1:$PORT" ||
  fail "de stappen over HTTP zijn niet geslaagd."
kill -0 "$GUNICORN_PID" 2>/dev/null || fail "gunicorn is onderweg gestopt."
kill -0 "$WORKER_PID" 2>/dev/null || fail "db_worker is onderweg gestopt."
say "OK: het logboek van de worker over de extractie:"
grep -F "cases.tasks.extract_evidence_text" "$WORK/worker.log" | sed 's/^/    /' || true
