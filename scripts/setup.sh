#!/usr/bin/env bash
# Installs everything the portal and its tests need, from the lock files. Safe to run again:
# each step is skipped when its inputs have not changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}

# Browser tests use Debian's Chromium and its driver; nothing downloads a browser of its own.
if [ "${SKIP_BROWSER_INSTALL:-0}" != 1 ] && ! { command -v chromium && command -v chromedriver; } >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver default-jre-headless >/dev/null
  else
    echo "Chromium and chromedriver are missing: sudo apt-get install chromium chromium-driver" >&2
  fi
fi
if ! command -v java >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
fi
# The report's tests read its PDFs' text with pdftotext (poppler-utils), as a person's tools would.
if ! command -v pdftotext >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
  else
    echo "pdftotext is missing (for the report's tests): sudo apt-get install poppler-utils" >&2
  fi
fi
# The production test (tests/production) runs Debian's nginx in front of the portal, with
# deploy/nginx.conf, as its own process on free ports (a system nginx apt may start is unused).
# It lives in /usr/sbin, which a non-root PATH may lack.
if [ "${SKIP_BROWSER_INSTALL:-0}" != 1 ] && ! PATH="$PATH:/usr/sbin" command -v nginx >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
  else
    echo "nginx is missing (for tests/production): sudo apt-get install nginx" >&2
  fi
fi

stamp() { cat "$@" | sha256sum | cut -c1-16; }

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
want=$(stamp requirements.lock)
if [ "$(cat .venv/.stamp-lock 2>/dev/null)" != "$want" ]; then
  .venv/bin/pip install -q --disable-pip-version-check uv==0.13.9
  .venv/bin/uv pip sync -q --python .venv/bin/python requirements.lock
  echo "$want" > .venv/.stamp-lock
fi

want=$(stamp package-lock.json)
if [ "$(cat node_modules/.stamp-lock 2>/dev/null)" != "$want" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > node_modules/.stamp-lock
fi
npm run --silent build

# Compiled message catalogs are built, not committed.
if compgen -G "translations/*/LC_MESSAGES/messages.po" >/dev/null; then
  .venv/bin/pybabel --quiet compile -d translations
fi
mkdir -p instance
