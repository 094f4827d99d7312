#!/usr/bin/env bash
# Sets everything up and runs the portal on SQLite with demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PORTAL_ENV=${PORTAL_ENV:-development}
PORT=${PORT:-5000}
# The links printed (and sent) must point at this server.
export PUBLIC_BASE_URL=${PUBLIC_BASE_URL:-http://localhost:${PORT}}
.venv/bin/flask --app wsgi db upgrade
.venv/bin/flask --app wsgi demo
# The outbox worker sends emails, texts and letters beside the web server, and stops with it.
.venv/bin/flask --app wsgi outbox run &
WORKER=$!
trap 'kill "$WORKER" 2>/dev/null || true' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
echo "Open http://localhost:${PORT}/ (press Ctrl+C to stop)"
.venv/bin/flask --app wsgi run --port "$PORT"
