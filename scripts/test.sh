#!/usr/bin/env bash
# The whole suite: unit and integration tests on SQLite, then the integration tests on PostgreSQL.
# If PostgreSQL cannot be reached the second half is reported as skipped with the reason; under CI
# (CI=true) that is a failure instead.
set -uo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
.venv/bin/pytest -p no:cacheprovider tests --db=sqlite "$@"
sqlite_status=$?
.venv/bin/pytest -p no:cacheprovider tests/integration --db=postgresql "$@"
pg_status=$?
echo "make test: SQLite half exit ${sqlite_status}, PostgreSQL half exit ${pg_status}, $(( $(date +%s) - start ))s in all"
[ "$sqlite_status" -eq 0 ] && [ "$pg_status" -eq 0 ]
