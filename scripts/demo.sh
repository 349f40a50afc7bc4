#!/usr/bin/env bash
# Builds the `siamese` program (release) and runs its default demo: Omniglot one-shot recognition on the
# drawings bundled in the repository.
# Extra arguments go to `siamese demo` (see `siamese demo --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
# The build's output goes to standard error, so that standard output holds only the demo's (the JSON with --json).
bash scripts/setup.sh >&2
swift build -c release --product siamese >&2
.build/release/siamese demo "$@"
