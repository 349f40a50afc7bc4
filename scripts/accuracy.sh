#!/usr/bin/env bash
# Issue 17's accuracy targets, each over three seeds, with `siamese-bench accuracy` (the same TrainingRun as
# `siamese train`; the bench product builds without the HTTP service's dependencies). Each figure is measured on the
# recipe's test part (`testFraction`), which neither training nor early stopping sees. Usage:
#   bash scripts/accuracy.sh faces    # recipes/att-faces-verification.yaml: AT&T faces, 8 test people never trained on
#   bash scripts/accuracy.sh mnist    # recipes/mnist-verification.yaml: bundled MNIST digits, every fifth image held out
#   bash scripts/accuracy.sh mnist-full  # recipes/mnist-verification-full.yaml: 60,000 training digits, official 10,000 test
#   bash scripts/accuracy.sh RECIPE   # any image recipe
# SEEDS=1,2,3 (default) chooses the seeds; OUT=DIR keeps the run folders (default: a temporary folder).
# Extra arguments go to siamese-bench (e.g. --epochs N).
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:?usage: bash scripts/accuracy.sh faces|mnist|mnist-full|RECIPE [siamese-bench options]}"
shift
case "$what" in
  faces) recipe=recipes/att-faces-verification.yaml
         if [ ! -d ../shared/datasets/att-faces ]; then echo "accuracy: skipped: needs ../shared/datasets/att-faces" >&2; exit 0; fi ;;
  mnist) recipe=recipes/mnist-verification.yaml ;;
  mnist-full) recipe=recipes/mnist-verification-full.yaml
         if [ ! -d ../shared/datasets/mnist ]; then echo "accuracy: skipped: needs ../shared/datasets/mnist" >&2; exit 0; fi ;;
  *) recipe="$what" ;;
esac
swift build -c release --product siamese-bench >&2
bin="$(swift build -c release --show-bin-path)/siamese-bench"
out="${OUT:-}"
if [ -z "$out" ]; then out=$(mktemp -d); trap 'rm -rf "$out"' EXIT; fi
"$bin" accuracy --recipe "$recipe" --output "$out" --seeds "${SEEDS:-1,2,3}" "$@"
