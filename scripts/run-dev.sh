#!/usr/bin/env bash
# Serve the app with a Celery worker (and beat, inside the worker) beside it.
# Ctrl-C (or SIGTERM) stops all of them: nothing is left behind.
set -uo pipefail
cd "$(dirname "$0")/.."
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
BIN=.venv/bin
mkdir -p var

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "Stopping..."
  kill -TERM "${pids[@]}" 2>/dev/null
  wait "${pids[@]}" 2>/dev/null
  exit 0
}
trap stop INT TERM EXIT

# Development only: production runs exactly one `celery beat` apart from the workers.
$BIN/celery -A pacsite worker --beat --loglevel=INFO --concurrency=2 \
  --schedule var/celerybeat-schedule --pidfile= &
pids+=($!)
$BIN/python manage.py runserver "$HOST:$PORT" --noreload &
pids+=($!)

cat <<BANNER

  PAC tracker: http://$HOST:$PORT/
  Demo logins (password: ${DEMO_PASSWORD:-pac-demo}):
    manager, manager2 (sales managers) · rep1, rep2, rep3, rep4 (sales reps)
    hr (HR) · admin (administrator)
  Ctrl-C stops the web server, the worker and beat.

BANNER
# Stop everything as soon as one of them dies, so a crash is not hidden.
wait -n "${pids[@]}"
stop
