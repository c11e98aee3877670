#!/usr/bin/env bash
# Restore a Hearth backup made by scripts/backup.sh into a fresh, empty database and empty folders, and check
# it: the backup's checksums first, then (after the restore) every table's row count against the counts taken
# with the dump, and every restored report and upload against its checksum. docs/DEPLOYMENT.md has the drill;
# after this, run `flask audit verify` against the restored copy.
#
#   createdb hearth_restored
#   DATABASE_URL=postgresql://.../hearth_restored REPORTS_DIR=/srv/restore/reports \
#     UPLOADS_DIR=/srv/restore/uploads scripts/restore.sh /srv/backups/hearth-backup-20261128T020000Z
set -euo pipefail

die() { echo "restore: $*" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)

[[ $# -eq 1 ]] || die "usage: DATABASE_URL=... REPORTS_DIR=... UPLOADS_DIR=... $0 BACKUP_FOLDER"
backup=$(cd "$1" && pwd) || die "no backup folder $1"
: "${DATABASE_URL:?set DATABASE_URL to the empty database to restore into}"
: "${REPORTS_DIR:?set REPORTS_DIR to the (empty) folder to restore the report archive into}"
: "${UPLOADS_DIR:?set UPLOADS_DIR to the (empty) folder to restore the uploads into}"
url=${DATABASE_URL/postgresql+psycopg:\/\//postgresql:\/\/}
[[ $url == postgresql://* || $url == postgres://* ]] || die "DATABASE_URL must be a PostgreSQL URL"
psql_() { psql "$url" --no-psqlrc --quiet --tuples-only --no-align --set ON_ERROR_STOP=1 "$@"; }

# 1. The backup is whole and unchanged.
(cd "$backup" && sha256sum --quiet --check SHA256SUMS) || die "the backup's checksums do not match: not restoring"

# 2. Never over live data: the database and both folders must be empty.
tables=$(psql_ --command "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'") \
  || die "cannot reach the database to restore into"
[[ $tables == 0 ]] || die "the database to restore into is not empty ($tables tables): create a fresh one"
for folder in "$REPORTS_DIR" "$UPLOADS_DIR"; do
  if [[ -e $folder ]] && [[ -n $(ls -A "$folder") ]]; then die "$folder is not empty"; fi
done

# 3. Restore. --no-owner: the restoring role owns what it restores (the old one may not exist here).
pg_restore --dbname="$url" --no-owner --no-privileges --exit-on-error "$backup/database.dump"
mkdir -p "$REPORTS_DIR" "$UPLOADS_DIR"
tar --extract --gzip --file="$backup/reports.tar.gz" --directory="$REPORTS_DIR"
tar --extract --gzip --file="$backup/uploads.tar.gz" --directory="$UPLOADS_DIR"

# 4. Check what was restored.
(cd "$REPORTS_DIR" && sha256sum --quiet --check "$backup/reports.sha256") || die "restored reports differ"
(cd "$UPLOADS_DIR" && sha256sum --quiet --check "$backup/uploads.sha256") || die "restored uploads differ"
restored_counts=$(psql_ --file="$here/row_counts.sql")
if ! difference=$(diff "$backup/row_counts.tsv" <(printf '%s\n' "$restored_counts")); then
  die "row counts differ from the backup's (< backup, > restored):"$'\n'"$difference"
fi
echo "Restored $(wc -l <"$backup/row_counts.tsv") tables (row counts match the backup)," \
  "$(wc -l <"$backup/reports.sha256") report files and $(wc -l <"$backup/uploads.sha256") uploads (checksums match)."
echo "Next: run 'flask audit verify' with this DATABASE_URL, REPORTS_DIR and the production AUDIT_HMAC_KEY."
