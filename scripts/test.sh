#!/usr/bin/env bash
# The whole suite: unit, integration and browser tests on SQLite, then the integration tests on PostgreSQL
# (the browser journeys run once, on SQLite: `pytest tests/browser --db=postgresql` runs them there).
# If PostgreSQL cannot be reached the second half is reported as skipped with the reason; under CI
# (CI=true) that is a failure instead.
set -uo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
# The browser journeys (tests/browser) drive Debian's chromium (Playwright cannot download its own here), and
# the report tests read PDFs with poppler's pdftotext and pdfinfo: install whichever is missing.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update && apt-get install -y "${missing[@]}"
  else
    echo "missing: ${missing[*]}; the tests that need them fail or skip. Install: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
  fi
fi
.venv/bin/pytest -p no:cacheprovider tests --db=sqlite "$@"
sqlite_status=$?
.venv/bin/pytest -p no:cacheprovider tests/integration --db=postgresql "$@"
pg_status=$?
echo "make test: SQLite half exit ${sqlite_status}, PostgreSQL half exit ${pg_status}, $(( $(date +%s) - start ))s in all"
[ "$sqlite_status" -eq 0 ] && [ "$pg_status" -eq 0 ]
