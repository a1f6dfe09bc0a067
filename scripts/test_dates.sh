#!/usr/bin/env bash
# Runs the test suite (without the slow packaging tests) with the system clock set to the instants where a date bug
# shows: a year's last evening and first minutes in Almaty (while UTC is still in the old year), a leap day's end,
# and the first of September (the school year of Мектепке жол).
#
#   scripts/test_dates.sh [--instant "YYYY-MM-DD HH:MM"]… [pytest options and paths…]
#
# Instants are UTC. Without --instant, all four below. Tests marked `timing` (bounds on how long the UI thread
# waits) are left out: under libfaketime every clock read is intercepted, so their timings say nothing. Uses libfaketime (Debian package faketime), started at the
# instant and running on from there; monotonic time stays real so timeouts still end.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${DOSTYQ_VENV:-$PWD/.venv}

INSTANTS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --instant) INSTANTS+=("$2"); shift 2 ;;
    *) break ;;
  esac
done
if [ ${#INSTANTS[@]} -eq 0 ]; then
  INSTANTS=(
    "2026-12-31 18:40"  # 23:40 on 31 December in Almaty
    "2026-12-31 19:10"  # 00:10 on 1 January in Almaty; UTC still in December
    "2028-02-29 19:30"  # 00:30 on 1 March in Almaty, after a leap day
    "2027-08-31 19:30"  # 00:30 on 1 September in Almaty
  )
fi

bash scripts/dostyq.sh setup >/dev/null
if ! command -v faketime >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then run_root=(); else run_root=(sudo); fi
  "${run_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${run_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends faketime >/dev/null
fi

# Python's time.sleep fails under Debian 12's libfaketime: see scripts/faketime/sitecustomize.py.
export PYTHONPATH="$PWD/scripts/faketime${PYTHONPATH:+:$PYTHONPATH}"

status=0
for instant in "${INSTANTS[@]}"; do
  printf '\033[1m==> Tests with the clock at %s UTC\033[0m\n' "$instant" >&2
  start=$(date +%s)
  # The fake clock must really be read: check it before trusting a green run.
  seen=$(TZ=UTC FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "@$instant:00" \
    "$VENV/bin/python" -c 'import datetime as d; print(d.datetime.now(d.UTC).strftime("%Y-%m-%d %H:%M"))')
  if [ "$seen" != "$instant" ]; then
    echo "faketime did not set the clock: Python saw $seen, not $instant" >&2
    exit 1
  fi
  if TZ=UTC FAKETIME_DONT_FAKE_MONOTONIC=1 QT_QPA_PLATFORM=offscreen faketime -f "@$instant:00" \
    "$VENV/bin/python" -m pytest -p no:cacheprovider -n "${DOSTYQ_TEST_WORKERS:-auto}" \
    -m "not packaging and not timing" "$@"; then
    echo "clock at $instant UTC: passed in $(($(date +%s) - start)) s" >&2
  else
    echo "clock at $instant UTC: FAILED (after $(($(date +%s) - start)) s)" >&2
    status=1
  fi
done
exit $status
