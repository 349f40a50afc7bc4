#!/usr/bin/env bash
# Runs the whole test suite, installing missing system packages first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift test "$@"
