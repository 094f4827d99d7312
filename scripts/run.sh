#!/usr/bin/env bash
# Sets everything up and runs the portal on SQLite with demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PORTAL_ENV=${PORTAL_ENV:-development}
.venv/bin/flask --app wsgi db upgrade
.venv/bin/flask --app wsgi demo
PORT=${PORT:-5000}
echo "Open http://localhost:${PORT}/ (press Ctrl+C to stop)"
exec .venv/bin/flask --app wsgi run --port "$PORT"
