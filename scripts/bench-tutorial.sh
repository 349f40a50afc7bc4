#!/usr/bin/env bash
# Tutorial Siamese CNN throughput side by side with PyTorch, in one run:
# the peer kit's siamese_tutorial.py --quick first, then `siamese-bench tutorial`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
PEERS="${PEERS:-../shared/peers}"
export PEERS_OUT="${PEERS_OUT:-$HOME/.cache/siamese-peers/out}"
swift build -c release --product siamese-bench >/dev/null
if [ -x "${PEERS_VENV:-$HOME/.cache/siamese-peers/venv}/bin/python" ]; then
  STEPS="siamese_quick" QUICK=1 bash "$PEERS/run_benchmarks.sh" >&2
else
  echo "bench-tutorial: peer venv missing; run 'bash $PEERS/setup.sh' for the PyTorch column" >&2
fi
.build/release/siamese-bench tutorial --peers "$PEERS_OUT/raw" "$@"
