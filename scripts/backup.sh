#!/usr/bin/env bash
# Back up TRECKK: the database and the media directory (attachments), into one directory per run, then prune old
# runs. docs/backup.md explains the schedule, where to keep copies and how to test a restore.
#
#   scripts/backup.sh [DEST]          DEST defaults to $TRECKK_BACKUP_DIR, else ./backups
#
# Environment (the same values the app runs with):
#   DATABASE_URL               postgres://user@host:port/name (pg_dump, custom format) or sqlite:///path (an online
#                              copy through SQLite's backup API); default sqlite:///<repo>/db.sqlite3
#   MEDIA_ROOT                 the attachments directory; default <repo>/media
#   TRECKK_BACKUP_KEEP_DAYS    delete runs older than this many days (default 14) ...
#   TRECKK_BACKUP_KEEP_MIN     ... but always keep the newest this many runs (default 7)
#   TRECKK_BACKUP_SECRETS_FILE also copy this file (the production environment file with SECRET_KEY) into the run;
#                              off by default: see docs/backup.md before turning it on
#   PG_BIN                     directory of pg_dump/pg_restore/psql matching the server's major version (optional)
#
# A run is written as treckk-<UTC time>.partial and renamed when complete, so a run that failed half-way is never
# taken for a backup. The database is dumped before the media directory: every attachment row in the dump then has
# its file in the archive (files are written before their row is committed, and never deleted).
set -euo pipefail
umask 077  # reporter data is confidential: the backup is readable by its owner only

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DATABASE_URL="${DATABASE_URL:-sqlite:///$ROOT/db.sqlite3}"
MEDIA_ROOT="${MEDIA_ROOT:-$ROOT/media}"
DEST="${1:-${TRECKK_BACKUP_DIR:-$ROOT/backups}}"
KEEP_DAYS="${TRECKK_BACKUP_KEEP_DAYS:-14}"
KEEP_MIN="${TRECKK_BACKUP_KEEP_MIN:-7}"
PG_BIN="${PG_BIN:-}"
pg() { if [ -n "$PG_BIN" ]; then "$PG_BIN/$1" "${@:2}"; else "$@"; fi; }
log() { echo "[backup] $*" >&2; }

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$DEST"
target="$DEST/treckk-$stamp"
work="$target.partial"
[ -e "$target" ] && { log "$target exists already"; exit 1; }
mkdir "$work"
trap 'rm -rf "$work"' EXIT

# Row counts, written to the manifest and compared again by scripts/restore.sh after a restore.
COUNT_SQL="SELECT 'complaints', count(*) FROM complaints_complaint
  UNION ALL SELECT 'events', count(*) FROM complaints_complaintevent
  UNION ALL SELECT 'attachments', count(*) FROM complaints_attachment
  UNION ALL SELECT 'reporters', count(*) FROM complaints_reporter
  UNION ALL SELECT 'users', count(*) FROM auth_user"

case "$DATABASE_URL" in
  postgres://*|postgresql://*)
    kind=postgresql
    log "pg_dump (custom format) of ${DATABASE_URL##*@}"
    # One consistent snapshot of the whole database; --no-owner/--no-privileges so it restores under any role.
    pg pg_dump --format=custom --compress=6 --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$work/database.dump"
    pg pg_restore --list "$work/database.dump" >/dev/null  # the archive is readable
    pg psql --no-psqlrc --quiet --tuples-only --no-align --field-separator=' ' --dbname="$DATABASE_URL" \
      --command="$COUNT_SQL" >"$work/counts.txt"
    ;;
  sqlite://*)
    kind=sqlite
    # As dj-database-url reads it: sqlite:////abs/path is /abs/path, sqlite:///rel/path is relative (to the repo).
    path="${DATABASE_URL#sqlite://}"
    path="${path#/}"
    case "$path" in /*) ;; *) path="$ROOT/$path" ;; esac
    log "SQLite online backup of $path"
    python3 - "$path" "$work/database.sqlite3" "$COUNT_SQL" >"$work/counts.txt" <<'PY'
import sqlite3, sys
from urllib.parse import quote
source_path, target_path, count_sql = sys.argv[1:]
source = sqlite3.connect(f"file:{quote(source_path)}?mode=ro", uri=True)
target = sqlite3.connect(target_path)
source.backup(target)  # consistent even while the app writes
for name, count in target.execute(count_sql):
    print(name, count)
target.close()
source.close()
PY
    ;;
  *)
    log "DATABASE_URL must start with postgres://, postgresql:// or sqlite://"
    exit 2
    ;;
esac

if [ -d "$MEDIA_ROOT" ]; then
  log "media archive of $MEDIA_ROOT"
  tar --create --gzip --file="$work/media.tar.gz" --directory="$MEDIA_ROOT" .
else
  log "no media directory at $MEDIA_ROOT: an empty archive"
  tar --create --gzip --file="$work/media.tar.gz" --files-from=/dev/null
fi

if [ -n "${TRECKK_BACKUP_SECRETS_FILE:-}" ]; then
  cp "$TRECKK_BACKUP_SECRETS_FILE" "$work/secrets.env"
fi

{
  echo "created_at=$stamp"
  echo "database=$kind"
  echo "git_commit=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)"
  sed 's/^\([a-z]*\) /count_\1=/' "$work/counts.txt"
} >"$work/manifest.txt"
rm "$work/counts.txt"
(cd "$work" && sha256sum -- * >SHA256SUMS)

mv "$work" "$target"
trap - EXIT
log "done: $target ($(du -sh "$target" | cut -f1))"
cat "$target/manifest.txt" >&2

# Retention: runs older than KEEP_DAYS go, but the newest KEEP_MIN always stay (a week without backups must not
# delete the last good ones). Unfinished .partial runs older than a day go too.
find "$DEST" -maxdepth 1 -type d -name 'treckk-*.partial' -mtime +0 -exec rm -rf {} +
mapfile -t runs < <(find "$DEST" -maxdepth 1 -type d -name 'treckk-*' ! -name '*.partial' -printf '%f\n' | sort -r)
for run in "${runs[@]:$KEEP_MIN}"; do
  if [ -n "$(find "$DEST/$run" -maxdepth 0 -mtime +"$KEEP_DAYS")" ]; then
    log "retention: removing $run"
    rm -rf "${DEST:?}/$run"
  fi
done
echo "$target"
