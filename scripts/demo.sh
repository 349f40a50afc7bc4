#!/usr/bin/env bash
# Builds the `siamese` program (release) and runs its default demo: Omniglot one-shot recognition on the
# drawings bundled in the repository.
# Extra arguments go to `siamese demo` (see `siamese demo --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product siamese
.build/release/siamese demo "$@"
