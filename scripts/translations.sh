#!/usr/bin/env bash
# Translations: extract, update and compile the message catalogs, in one place.
#
#   scripts/translations.sh                 extract + update every catalog + compile (the usual run)
#   scripts/translations.sh extract         write translations/messages.pot from the code (babel.cfg)
#   scripts/translations.sh update [LANG]   merge messages.pot into translations/LANG (default: all)
#   scripts/translations.sh compile         build the .mo files the app reads (not committed)
#   scripts/translations.sh init LANG       start a new language's catalog from messages.pot
#
# Adding a language: `scripts/translations.sh init xx`, translate translations/xx/LC_MESSAGES/
# messages.po, and add its one line to LANGUAGES in portal/languages.py.
# tests/test_translations.py then checks it like every other language.
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=${PYBABEL:-.venv/bin/pybabel}
# POT=some/other.pot writes the extraction elsewhere (tests/test_translations.py compares the two).
POT=${POT:-translations/messages.pot}

extract() {
  "$PYBABEL" --quiet extract -F babel.cfg -k _l -k lazy_gettext \
    --project="Safeguarding audit portal" --copyright-holder="Safeguarding Adults Board" \
    --sort-by-file --add-comments=Translators: \
    --ignore-dirs=".* ._ node_modules instance static migrations tests" -o "$POT" .
}

update() {
  if [ -n "${1:-}" ]; then
    "$PYBABEL" --quiet update -i "$POT" -d translations -l "$1"
  else
    "$PYBABEL" --quiet update -i "$POT" -d translations
  fi
}

compile() {
  "$PYBABEL" --quiet compile --statistics -d translations
}

case "${1:-all}" in
  extract) extract ;;
  update) update "${2:-}" ;;
  compile) compile ;;
  init)
    [ -n "${2:-}" ] || { echo "usage: $0 init LANG" >&2; exit 2; }
    "$PYBABEL" init -i "$POT" -d translations -l "$2"
    ;;
  all) extract; update; compile ;;
  *) sed -n '2,12p' "$0" >&2; exit 2 ;;
esac
