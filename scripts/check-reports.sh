#!/usr/bin/env bash
# Short training runs on demo-sized data, each writing its report, each report opened in headless Chromium by
# scripts/check-report.sh (screenshots kept in REPORT_SHOTS, default a temporary folder):
#   - the Omniglot demo (bundled data), a few steps;
#   - the MNIST verification recipe (bundled data), a few steps;
#   - the MNIST demo (bundled data), one short epoch;
#   - the faces recipe on ../shared/datasets/att-faces, when that folder exists (skipped with a note otherwise).
# The runs are far too short to learn much: they check that every section renders, not the numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
shots=${REPORT_SHOTS:-$work/shots}
mkdir -p "$shots"
swift build --product siamese
bin="$(swift build --show-bin-path)/siamese"

run() {  # name, then the siamese arguments
  local name=$1; shift
  echo "check-reports: $name: siamese $*" >&2
  "$bin" "$@" --output "$work/$name" >"$work/$name.log" 2>&1 || { cat "$work/$name.log" >&2; exit 1; }
  bash scripts/check-report.sh "$work/$name/report.html" "$shots/$name.png"
}

run omniglot-demo demo --epochs 1 --pairs-per-epoch 128 --batch-size 64 --evaluation-pairs 1000 --threads 2
run mnist-recipe train --recipe recipes/mnist-verification.yaml --epochs 2 --steps-per-epoch 4 --batch-size 64 --evaluation-pairs 2000 --quiet
run mnist-demo demo --dataset mnist --epochs 1 --pairs-per-epoch 512 --evaluation-pairs 1000
if [ -d ../shared/datasets/att-faces ]; then
  run faces-recipe train --recipe recipes/faces-folder.json --epochs 2 --steps-per-epoch 3 --batch-size 32 --quiet
else
  echo "check-reports: skipping the faces recipe: ../shared/datasets/att-faces is not here" >&2
fi
echo "check-reports: every report passed; screenshots in $shots"
