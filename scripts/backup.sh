#!/usr/bin/env bash
# Back up Hearth: the PostgreSQL database (pg_dump custom format), the report archive (REPORTS_DIR, which also
# holds the audit anchors) and the uploads (UPLOADS_DIR), with checksums. docs/DEPLOYMENT.md has the drill.
#
#   DATABASE_URL=postgresql://... REPORTS_DIR=/srv/hearth/reports UPLOADS_DIR=/srv/hearth/uploads \
#     scripts/backup.sh /srv/backups
#
# Writes /srv/backups/hearth-backup-<UTC time>/ holding:
#   database.dump    pg_dump --format=custom
#   row_counts.tsv   rows per table, counted in the same snapshot as the dump
#   reports.tar.gz   REPORTS_DIR;  reports.sha256: a checksum per file, relative to REPORTS_DIR
#   uploads.tar.gz   UPLOADS_DIR;  uploads.sha256: the same for UPLOADS_DIR
#   SHA256SUMS       the checksums of everything above (scripts/restore.sh checks them first)
# The secrets (SECRET_KEY, AUDIT_HMAC_KEY) are not in a backup: keep them in the secret store.
set -euo pipefail

die() { echo "backup: $*" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)

[[ $# -eq 1 ]] || die "usage: DATABASE_URL=... REPORTS_DIR=... UPLOADS_DIR=... $0 DESTINATION_FOLDER"
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to back up}"
: "${REPORTS_DIR:?set REPORTS_DIR to the report archive folder}"
: "${UPLOADS_DIR:?set UPLOADS_DIR to the uploads folder}"
[[ -d $REPORTS_DIR ]] || die "REPORTS_DIR $REPORTS_DIR is not a folder"
[[ -d $UPLOADS_DIR ]] || die "UPLOADS_DIR $UPLOADS_DIR is not a folder"
# SQLAlchemy's driver suffix (postgresql+psycopg://) means nothing to libpq.
url=${DATABASE_URL/postgresql+psycopg:\/\//postgresql:\/\/}
[[ $url == postgresql://* || $url == postgres://* ]] || die "DATABASE_URL must be a PostgreSQL URL"

target="$1/hearth-backup-$(date -u +%Y%m%dT%H%M%SZ)"
[[ -e $target ]] && die "$target already exists"
mkdir -p "$target"
umask 077  # a backup holds everything Hearth knows about families

# The dump and the row counts read one snapshot: a repeatable-read transaction exports it, pg_dump uses it,
# and the counts are taken inside it, so they describe exactly what the dump holds even while Hearth runs.
coproc SNAPSHOT { psql "$url" --no-psqlrc --quiet --tuples-only --no-align --set ON_ERROR_STOP=1 2>&1; }
# Our own copies: bash unsets SNAPSHOT and SNAPSHOT_PID (and closes its descriptors) as soon as psql exits.
snapshot_pid=$SNAPSHOT_PID
exec {to_psql}>&"${SNAPSHOT[1]}" {from_psql}<&"${SNAPSHOT[0]}"
eval "exec ${SNAPSHOT[1]}>&- ${SNAPSHOT[0]}<&-"  # so that closing our copy is psql's end of input
echo "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT pg_export_snapshot();" >&"$to_psql"
read -r -t 30 snapshot <&"$from_psql" || die "could not open a snapshot of the database"
[[ $snapshot =~ ^[0-9A-F-]+$ ]] || die "could not open a snapshot of the database: $snapshot"

pg_dump "$url" --format=custom --snapshot="$snapshot" --file="$target/database.dump"

printf '\\i '"'"'%s'"'"'\nSELECT %s;\nCOMMIT;\n' "$here/row_counts.sql" "'-- end of counts'" >&"$to_psql"
: >"$target/row_counts.tsv"
while read -r -t 300 line <&"$from_psql"; do
  [[ $line == "-- end of counts" ]] && break
  [[ $line == *$'\t'* ]] || die "counting rows failed: $line"
  printf '%s\n' "$line" >>"$target/row_counts.tsv"
done
[[ ${line:-} == "-- end of counts" ]] || die "counting rows did not finish"
exec {to_psql}>&- {from_psql}<&-
wait "$snapshot_pid" 2>/dev/null || true

for name in reports uploads; do
  folder=REPORTS_DIR; [[ $name == uploads ]] && folder=UPLOADS_DIR
  (cd "${!folder}" && find . -type f -print0 | sort -z | xargs -0 --no-run-if-empty sha256sum) >"$target/$name.sha256"
  tar --create --gzip --file="$target/$name.tar.gz" --directory="${!folder}" .
done

(cd "$target" && sha256sum database.dump row_counts.tsv reports.tar.gz reports.sha256 uploads.tar.gz \
  uploads.sha256 >SHA256SUMS)
echo "Backed up $(wc -l <"$target/row_counts.tsv") tables, $(wc -l <"$target/reports.sha256") report files and" \
  "$(wc -l <"$target/uploads.sha256") uploads to $target"
