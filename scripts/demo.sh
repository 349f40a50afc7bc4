#!/usr/bin/env bash
# Builds the `siamese-demo` program (release) and runs its default demo: Omniglot one-shot recognition on the
# drawings bundled in the repository. `siamese-demo` is `siamese demo` without the HTTP service's dependencies
# (SwiftNIO, Hummingbird, BoringSSL, postgres-nio), so a first build takes about 2 minutes on 2 cores instead of 9.
# Extra arguments go to `siamese-demo` (see `siamese-demo --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
# The build's output goes to standard error, so that standard output holds only the demo's (the JSON with --json).
bash scripts/setup.sh >&2
swift build -c release --product siamese-demo >&2
.build/release/siamese-demo "$@"
