#!/usr/bin/env bash
# Restore a TRECKK backup made by scripts/backup.sh into DATABASE_URL and MEDIA_ROOT, then check it: the archive's
# checksums before anything is written, and afterwards the restored row counts against the backup's manifest.
#
#   scripts/restore.sh BACKUP_DIR [--clean]
#
# Without --clean the target must be empty: a PostgreSQL database that does not exist yet (it is created) or has no
# tables, a SQLite file that does not exist, an empty or missing media directory. With --clean an existing
# PostgreSQL database is replaced (pg_restore --clean --if-exists), an existing SQLite file is kept beside the new
# one as <file>.before-restore-<time>, and the media archive is unpacked over the existing directory.
# PostgreSQL restores in one transaction (--single-transaction --exit-on-error): a failed restore leaves the database
# as it was. Stop the app servers and the worker first (docs/backup.md).
#
# Environment: DATABASE_URL, MEDIA_ROOT, PG_BIN as for scripts/backup.sh.
set -euo pipefail
umask 077

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BACKUP="${1:?usage: scripts/restore.sh BACKUP_DIR [--clean]}"
CLEAN="${2:-}"
[ -z "$CLEAN" ] || [ "$CLEAN" = "--clean" ] || { echo "unknown option $CLEAN" >&2; exit 2; }
DATABASE_URL="${DATABASE_URL:-sqlite:///$ROOT/db.sqlite3}"
MEDIA_ROOT="${MEDIA_ROOT:-$ROOT/media}"
PG_BIN="${PG_BIN:-}"
pg() { if [ -n "$PG_BIN" ]; then "$PG_BIN/$1" "${@:2}"; else "$@"; fi; }
log() { echo "[restore] $*" >&2; }
fail() { echo "[restore] FAILED: $*" >&2; exit 1; }

[ -f "$BACKUP/manifest.txt" ] || fail "$BACKUP has no manifest.txt: not a backup made by scripts/backup.sh"
log "checking checksums"
(cd "$BACKUP" && sha256sum --check --quiet SHA256SUMS) || fail "checksums do not match: the backup is damaged"
kind="$(sed -n 's/^database=//p' "$BACKUP/manifest.txt")"

# Refuse before writing anything.
if [ -d "$MEDIA_ROOT" ] && [ -n "$(ls -A "$MEDIA_ROOT")" ] && [ "$CLEAN" != --clean ]; then
  fail "$MEDIA_ROOT is not empty: restore into an empty directory, or pass --clean to unpack the attachments over it"
fi

COUNT_SQL="SELECT 'complaints', count(*) FROM complaints_complaint
  UNION ALL SELECT 'events', count(*) FROM complaints_complaintevent
  UNION ALL SELECT 'attachments', count(*) FROM complaints_attachment
  UNION ALL SELECT 'reporters', count(*) FROM complaints_reporter
  UNION ALL SELECT 'users', count(*) FROM auth_user"

case "$DATABASE_URL" in
  postgres://*|postgresql://*)
    [ "$kind" = postgresql ] || fail "the backup holds a $kind database, DATABASE_URL is PostgreSQL"
    # The maintenance database on the same server, to create the target when it does not exist.
    read -r name admin_url < <(python3 - "$DATABASE_URL" <<'PY'
import sys
from urllib.parse import urlsplit, urlunsplit
parts = urlsplit(sys.argv[1])
print(parts.path.lstrip("/"), urlunsplit(parts._replace(path="/postgres")))
PY
)
    psql_admin=(pg psql --no-psqlrc --quiet --tuples-only --no-align --dbname="$admin_url")
    # psql interpolates :'name' (a quoted literal) only in statements read from stdin, not in --command.
    exists="$(printf "SELECT 1 FROM pg_database WHERE datname = :'name';\n" | "${psql_admin[@]}" --set=name="$name")"
    if [ -z "$exists" ]; then
      log "creating database $name"
      printf 'CREATE DATABASE :"name";\n' | "${psql_admin[@]}" --set=name="$name" >/dev/null
      options=()
    else
      tables="$(pg psql --no-psqlrc --quiet --tuples-only --no-align --dbname="$DATABASE_URL" \
        --command="SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
      if [ "$tables" != 0 ] && [ "$CLEAN" != --clean ]; then
        fail "database $name has $tables tables: restore into a new database, or pass --clean to replace it"
      fi
      options=(--clean --if-exists)
    fi
    log "pg_restore into $name"
    pg pg_restore --no-owner --no-privileges --exit-on-error --single-transaction "${options[@]}" \
      --dbname="$DATABASE_URL" "$BACKUP/database.dump"
    counts="$(pg psql --no-psqlrc --quiet --tuples-only --no-align --field-separator=' ' --dbname="$DATABASE_URL" --command="$COUNT_SQL")"
    ;;
  sqlite://*)
    [ "$kind" = sqlite ] || fail "the backup holds a $kind database, DATABASE_URL is SQLite"
    # As dj-database-url reads it: sqlite:////abs/path is /abs/path, sqlite:///rel/path is relative (to the repo).
    path="${DATABASE_URL#sqlite://}"
    path="${path#/}"
    case "$path" in /*) ;; *) path="$ROOT/$path" ;; esac
    if [ -e "$path" ]; then
      [ "$CLEAN" = --clean ] || fail "$path exists: restore to a new file, or pass --clean to replace it"
      aside="$path.before-restore-$(date -u +%Y%m%dT%H%M%SZ)"
      log "keeping the current database as $aside"
      mv "$path" "$aside"
      rm -f "$path-wal" "$path-shm"
    fi
    mkdir -p "$(dirname "$path")"
    cp "$BACKUP/database.sqlite3" "$path.restoring"
    mv "$path.restoring" "$path"
    counts="$(python3 - "$path" "$COUNT_SQL" <<'PY'
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1])
for name, count in connection.execute(sys.argv[2]):
    print(name, count)
PY
)"
    ;;
  *)
    fail "DATABASE_URL must start with postgres://, postgresql:// or sqlite://"
    ;;
esac

log "unpacking attachments into $MEDIA_ROOT"
mkdir -p "$MEDIA_ROOT"
tar --extract --gzip --file="$BACKUP/media.tar.gz" --directory="$MEDIA_ROOT" --no-same-owner

# The restored counts must be the manifest's.
mismatch=0
while read -r table count; do
  expected="$(sed -n "s/^count_$table=//p" "$BACKUP/manifest.txt")"
  if [ "$expected" != "$count" ]; then
    log "MISMATCH $table: backup had $expected, restored $count"
    mismatch=1
  else
    log "$table: $count"
  fi
done <<<"$counts"
[ "$mismatch" = 0 ] || fail "restored counts differ from the backup's manifest"
log "done. Next: manage.py migrate (a no-op unless the code is newer than the backup), then start the app."
