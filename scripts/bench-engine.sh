#!/usr/bin/env bash
# Engine benchmark side by side with the peer kit, in one run:
#   1. the peer kit's gemm.py and conv.py (PyTorch, numpy/OpenBLAS) write raw JSON to $PEERS_OUT/raw;
#   2. siamese-bench measures the same shapes and prints one table with the peer figures and ratios.
# Needs the peer venv (bash ../shared/peers/setup.sh). Extra arguments go to siamese-bench.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
PEERS="${PEERS:-../shared/peers}"
export PEERS_OUT="${PEERS_OUT:-$HOME/.cache/siamese-peers/out}"
swift build -c release --product siamese-bench >/dev/null
if [ -x "${PEERS_VENV:-$HOME/.cache/siamese-peers/venv}/bin/python" ]; then
  STEPS="gemm conv" bash "$PEERS/run_benchmarks.sh" >&2
else
  echo "bench-engine: peer venv missing; run 'bash $PEERS/setup.sh' for the PyTorch columns" >&2
fi
.build/release/siamese-bench engine --peers "$PEERS_OUT/raw" "$@"
