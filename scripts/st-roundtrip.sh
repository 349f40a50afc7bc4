#!/usr/bin/env bash
# Shows that a model folder saved by SiameseKit loads in Python's sentence-transformers 6.2 (peer venv) and gives
# the same embeddings: converts all-MiniLM-L6-v2 with `siamese convert`, embeds the reference sentences with
# `siamese embed --text`, then encodes them in Python from the saved folder and compares.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${PEERS_VENV:-$HOME/.cache/siamese-peers/venv}"
model="${SIAMESE_MINILM_DIR:-$HOME/.cache/siamese/all-MiniLM-L6-v2}"
[ -f "$model/model.safetensors" ] || bash scripts/get-minilm.sh >&2
config="${CONFIG:-release}"
swift build -c "$config" --product siamese >&2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$venv/bin/python" -c 'import json,sys; [print(s.replace("\n"," ")) for s in json.load(open(sys.argv[1]))["sentences"]]' \
  Tests/SiameseTestSupport/Fixtures/minilm_reference.json > "$work/sentences.txt"
".build/$config/siamese" convert --model "$model" --output "$work/saved"
".build/$config/siamese" embed --text "$work/sentences.txt" --model "$work/saved" --output "$work/ours.json"
HF_HUB_OFFLINE=1 "$venv/bin/python" scripts/st-roundtrip.py "$work/saved" "$work/sentences.txt" "$work/ours.json"
