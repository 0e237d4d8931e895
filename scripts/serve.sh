#!/usr/bin/env bash
# Production run: gunicorn with several workers, one Celery worker and exactly one Celery beat,
# against DATABASE_URL and REDIS_URL (docs/deploy/ has the same three processes as systemd units).
# Migrates first; static files need no collectstatic (whitenoise serves them from the finders).
# SIGTERM (or Ctrl-C) stops all three. The Celery worker is started again if it dies; if the
# web server or beat dies, the others are stopped too, so a supervisor sees the failure
# instead of a half-running site.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
WEB_WORKERS=${WEB_WORKERS:-4}
CELERY_CONCURRENCY=${CELERY_CONCURRENCY:-2}
VAR_DIR=${PAC_VAR_DIR:-var}
mkdir -p "$VAR_DIR"

for name in DATABASE_URL REDIS_URL; do
  if [ -z "${!name:-}" ]; then
    echo "serve.sh: $name is not set; using the local default (SQLite / filesystem broker)." >&2
  fi
done

$BIN/python manage.py migrate --noinput || exit 1

pids=()
stop() {
  trap - INT TERM EXIT
  echo "serve.sh: stopping..." >&2
  kill -TERM "${pids[@]}" 2>/dev/null
  wait "${pids[@]}" 2>/dev/null
  exit "${1:-0}"
}
trap 'stop 0' INT TERM EXIT

$BIN/gunicorn pacsite.wsgi:application --bind "$HOST:$PORT" --workers "$WEB_WORKERS" \
  --access-logfile - --graceful-timeout 25 &
pids+=($!)
# The worker is started again when it ends on its own: Celery 5.7 can exit ("Unrecoverable
# error") when Redis goes away while it holds an unacknowledged message, and a broker blip must
# not take the site down. Nothing is lost meanwhile: the reminders wait in the database.
keep_worker() {
  local child=""
  trap 'kill -TERM ${child:-} 2>/dev/null; wait ${child:-} 2>/dev/null; exit 0' TERM INT
  while true; do
    $BIN/celery -A pacsite worker --loglevel=INFO --concurrency="$CELERY_CONCURRENCY" &
    child=$!
    wait "$child"
    echo "serve.sh: the Celery worker ended (status $?); starting it again in 5 s." >&2
    sleep 5 &
    child=$!
    wait "$child"
  done
}
keep_worker &
pids+=($!)
# Exactly one beat: it is the clock of the periodic jobs; a second one would fire them twice.
$BIN/celery -A pacsite beat --loglevel=INFO --schedule "$VAR_DIR/celerybeat-schedule" --pidfile= &
pids+=($!)

wait -n "${pids[@]}"
echo "serve.sh: a process ended; stopping the others." >&2
stop 1
