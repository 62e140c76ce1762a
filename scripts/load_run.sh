#!/usr/bin/env bash
# Load run on the production stack (issue 15, item 5): 20 users over the demo
# roles for at most 2 minutes, with a reindex and uploads in the background.
# What it does and reports: scripts/load_run.py.
#
#   bash scripts/load_run.sh [--seconds 120] [--users 20] [--json out.json]
#
# Needs the virtualenv (make install) and PostgreSQL on PGHOST:PGPORT (default
# 127.0.0.1:5432, user postgres, trust auth). Exits non-zero on any error or 500.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  echo "FOUT: geen virtualenv in .venv; voer eerst 'make install' uit." >&2
  exit 1
fi
exec .venv/bin/python scripts/load_run.py "$@"
