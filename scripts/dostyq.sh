#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine for Dostyq and then runs it.
#   scripts/dostyq.sh run [--demo] [dostyq options…]   the desktop app (under Xvfb when there is no display)
#   scripts/dostyq.sh test [pytest options…]           lint, format and type checks, then the whole test suite
#                                                       (starts PostgreSQL for the server tests; installs
#                                                       Node.js and bench/pouchdb's packages for the PouchDB test)
#   scripts/dostyq.sh check                            only the lint, format and type checks
#   scripts/dostyq.sh server [dostyq-server options…]  the central server
#   scripts/dostyq.sh setup                            set up only
# Safe to run again: each step skips what is already done.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=${DOSTYQ_VENV:-$ROOT/.venv}
PYTHON=${PYTHON:-python3}

APP_PACKAGES=(python3 python3-venv python3-pip ca-certificates
  libglib2.0-0 libgl1 libegl1 libxkbcommon0 libfontconfig1 libfreetype6 libdbus-1-3 fonts-dejavu-core
  xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-render0
  libxcb-shape0 libxcb-util1 libxcb-xkb1 libxkbcommon-x11-0)
# postgresql brings postgresql-client (pg_dump, pg_restore: the server backup tests use the cluster's own).
TEST_PACKAGES=(postgresql poppler-utils binutils faketime)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "Installing system packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

setup_python() {
  if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] < (3, 11))' 2>/dev/null; then
    echo "Dostyq needs Python 3.11 or newer ($PYTHON is older)." >&2
    exit 1
  fi
  [ -x "$VENV/bin/python" ] || { say "Creating $VENV"; "$PYTHON" -m venv "$VENV"; }
  local stamp="$VENV/.requirements.sha256"
  local want
  want=$(cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "Installing Python packages"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r requirements.txt
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps -e .
    echo "$want" > "$stamp"
  fi
  say "Compiling translations"
  "$VENV/bin/python" scripts/i18n.py compile >/dev/null
}

setup_bench_peer() {
  # The PouchDB peer of bench/vs_pouchdb.py, whose short run is one of the tests: Node.js and npm, and the peer's
  # npm packages (no install scripts: leveldown ships its built library, and the server runs in memory).
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    apt_install nodejs npm
  fi
  if [ ! -d bench/pouchdb/node_modules/pouchdb ] || [ ! -d bench/pouchdb/node_modules/pouchdb-server ]; then
    say "Installing the PouchDB peer of the sync benchmark (bench/pouchdb)"
    (cd bench/pouchdb && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  fi
}

checks() {
  say "ruff check"
  "$VENV/bin/ruff" check .
  say "ruff format --check"
  "$VENV/bin/ruff" format --check .
  say "mypy (desktop/, sync/, ui/)"
  "$VENV/bin/mypy"
}

case "${1:-run}" in
  setup)
    apt_install "${APP_PACKAGES[@]}"
    setup_python
    ;;
  run)
    shift || true
    apt_install "${APP_PACKAGES[@]}"
    setup_python
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [[ " $* " != *" --screenshot "* ]]; then
      say "No display: starting Dostyq on a virtual screen (Xvfb)"
      exec xvfb-run -a -s "-screen 0 1280x800x24" "$VENV/bin/dostyq" "$@"
    fi
    exec "$VENV/bin/dostyq" "$@"
    ;;
  server)
    shift || true
    apt_install python3 python3-venv ca-certificates libglib2.0-0
    # On PostgreSQL, `dostyq-server backup` and `restore` run pg_dump and pg_restore.
    case "${DOSTYQ_DATABASE_URL:-}" in postgresql*) apt_install postgresql-client ;; esac
    setup_python
    exec "$VENV/bin/dostyq-server" "$@"
    ;;
  check)
    setup_python
    checks
    ;;
  test)
    shift || true
    apt_install "${APP_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    setup_python
    setup_bench_peer
    checks
    export QT_QPA_PLATFORM=offscreen
    # The tests are spread over the machine's cores (DOSTYQ_TEST_WORKERS, default: one per core); the few that bound
    # how long the UI thread waits (marker `timing`) run afterwards on an otherwise idle machine.
    # A `-m EXPR` given here narrows both runs.
    marks=() args=()
    while [ $# -gt 0 ]; do
      case "$1" in
        -m) marks+=("($2)"); shift 2 ;;
        -m*) marks+=("(${1#-m})"); shift ;;
        *) args+=("$1"); shift ;;
      esac
    done
    base=""
    for m in ${marks[@]+"${marks[@]}"}; do base+="$m and "; done
    status=0
    "$VENV/bin/python" -m pytest -n "${DOSTYQ_TEST_WORKERS:-auto}" -m "${base}not timing" ${args[@]+"${args[@]}"} \
      || status=$?
    "$VENV/bin/python" -m pytest -m "${base}timing" ${args[@]+"${args[@]}"} \
      || { rc=$?; [ "$rc" -eq 5 ] || status=$rc; }  # 5: nothing selected
    exit "$status"
    ;;
  *)
    echo "usage: $0 run|test|check|server|setup [options…]" >&2
    exit 2
    ;;
esac
