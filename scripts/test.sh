#!/usr/bin/env bash
# Sets everything up and runs every test: lint, unit, integration and browser tests.
# TEST_DATABASE_URL=postgresql+psycopg://... runs the same suite on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/ruff check portal tests
.venv/bin/ruff format --check portal tests
# One-way layers and no import circles: the import-linter contracts in pyproject.toml.
.venv/bin/lint-imports
exec .venv/bin/pytest "$@"
