#!/usr/bin/env bash
# STS-benchmark test Spearman (×100, cosine similarity) of all-MiniLM-L6-v2 in SiameseKit; sentence-transformers
# reports 82.03 for it on this data. Needs ../shared/datasets/stsbenchmark and the model folder
# (bash scripts/get-minilm.sh). Usage: bash scripts/sts-minilm.sh [sts-test.csv|sts-dev.csv] [--json]
set -euo pipefail
cd "$(dirname "$0")/.."
split="${1:-sts-test.csv}"
shift || true
model="${SIAMESE_MINILM_DIR:-$HOME/.cache/siamese/all-MiniLM-L6-v2}"
data="${STS_DIR:-../shared/datasets/stsbenchmark}/$split"
[ -f "$data" ] || { echo "sts-minilm: $data not found" >&2; exit 1; }
[ -f "$model/model.safetensors" ] || bash scripts/get-minilm.sh >&2
swift build -c release --product siamese >&2
.build/release/siamese evaluate --model "$model" --pairs "$data" "$@"
