#!/usr/bin/env bash
# Runs the whole test suite, installing missing system packages first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Tests write to temporary folders only: a run folder left in the checkout is a failure.
had_runs=0; [ -e runs ] && had_runs=1
swift test "$@"
if [ "$had_runs" = 0 ] && [ -e runs ]; then
  echo "test.sh: the tests left a runs/ folder in the checkout (tests must write to temporary folders)" >&2
  exit 1
fi
