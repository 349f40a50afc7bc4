#!/usr/bin/env bash
# Metric-learning loss benchmark side by side with pytorch-metric-learning, in one run:
# the peer kit's pml_speed.py first, then `siamese-bench losses`, which prints both with ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
PEERS="${PEERS:-../shared/peers}"
export PEERS_OUT="${PEERS_OUT:-$HOME/.cache/siamese-peers/out}"
swift build -c release --product siamese-bench >/dev/null
if [ -x "${PEERS_VENV:-$HOME/.cache/siamese-peers/venv}/bin/python" ]; then
  STEPS="pml_speed" bash "$PEERS/run_benchmarks.sh" >&2
else
  echo "bench-losses: peer venv missing; run 'bash $PEERS/setup.sh' for the PML column" >&2
fi
.build/release/siamese-bench losses --peers "$PEERS_OUT/raw" "$@"
