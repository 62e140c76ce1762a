#!/usr/bin/env bash
# Checks (and, as root with apt-get, installs) the system packages the portal needs.
#   scripts/check_system.sh run   -> Python 3.11+, WeasyPrint's Pango
#   scripts/check_system.sh test  -> the above plus Debian's Chromium for browser tests
set -euo pipefail
mode=${1:-run}
PY=${PYTHON:-python3}

if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Python 3.11 of nieuwer is nodig ($PY). Installeer het, bijvoorbeeld: sudo apt-get install -y python3 python3-venv" >&2
  exit 1
fi
if ! "$PY" -c 'import venv, ensurepip' 2>/dev/null; then
  echo "De venv-module van Python ontbreekt. Installeer: sudo apt-get install -y python3-venv" >&2
  exit 1
fi

missing=()
ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' || missing+=(libpango-1.0-0)
ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so' || missing+=(libpangoft2-1.0-0)
if [ "$mode" = test ]; then
  [ -x "${PORTAL_CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
  command -v pdftoppm >/dev/null || missing+=(poppler-utils)
fi
fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Systeempakketten installeren: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Deze systeempakketten ontbreken: ${missing[*]}" >&2
    echo "Installeer ze met: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
