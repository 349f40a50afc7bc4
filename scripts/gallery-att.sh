#!/usr/bin/env bash
# The faces recipe's model identifies AT&T people it never saw in training, from one enrolled portrait each.
#
# Trains recipes/faces-folder.json (release build; about a minute on 2 cores) unless a model folder is given, then
# through `siamese gallery`:
#   unseen-8:  a gallery of the 8 people the recipe holds out (every fifth class in sorted order, its `split: classes`),
#              portrait 1.pgm of each enrolled; portraits 2-10 identified (72 probes, 8-way closed set).
#   all-40:    the same probes against a gallery of all 40 people (32 of them seen in training), one portrait each.
# Prints rank-1 accuracy (with a 95 % Wilson interval) and how many rank-1 matches pass the calibrated threshold.
#
# Usage: bash scripts/gallery-att.sh [MODEL_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
faces=../shared/datasets/att-faces
if [ ! -d "$faces" ]; then echo "gallery-att: skipped: needs $faces (the AT&T faces), not found" >&2; exit 0; fi
swift build -c release --product siamese >&2
bin="$(swift build -c release --show-bin-path)/siamese"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
model=${1:-}
if [ -z "$model" ]; then
  start=$(date +%s)
  "$bin" train --recipe recipes/faces-folder.json --output "$work/run" --quiet >&2
  echo "gallery-att: trained the faces recipe in $(( $(date +%s) - start )) s" >&2
  model="$work/run/model"
fi
# Classes are the sub-folders in byte order; the recipe (validationFraction 0.2) holds out labels 4, 9, …, 39.
mapfile -t people < <(cd "$faces" && ls -d s*/ | tr -d / | LC_ALL=C sort)
held=(); for i in "${!people[@]}"; do if (( i % 5 == 4 )); then held+=("${people[$i]}"); fi; done
echo "gallery-att: held-out people: ${held[*]}" >&2

run_protocol() {  # name, people to enroll...
  local name=$1; shift
  local db="$work/$name.sqlite" batch="$work/$name.jsonl"
  : > "$batch"
  for p in "$@"; do printf '{"name": "%s", "images": ["%s/%s/1.pgm"]}\n' "$p" "$faces" "$p" >> "$batch"; done
  "$bin" gallery enroll --batch "$batch" --gallery "$db" --model "$model" > /dev/null
  for p in "${held[@]}"; do
    for m in 2 3 4 5 6 7 8 9 10; do
      printf '%s ' "$p"
      "$bin" gallery identify "$faces/$p/$m.pgm" -k 1 --gallery "$db" --model "$model" --json
    done
  done > "$work/$name.out"
  python3 - "$name" "$work/$name.out" "$#" <<'PY'
import json, math, sys
name, path, enrolled = sys.argv[1], sys.argv[2], int(sys.argv[3])
n = correct = accepted_correct = accepted_wrong = 0
for line in open(path):
    truth, payload = line.split(" ", 1)
    r = json.loads(payload)
    top = r["candidates"][0]
    n += 1
    correct += top["identity"] == truth
    if r.get("match"):
        if r["match"]["identity"] == truth: accepted_correct += 1
        else: accepted_wrong += 1
p = correct / n; z = 1.96
centre = (p + z * z / (2 * n)) / (1 + z * z / n); half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
print(f"{name}: {enrolled} enrolled, {n} probes of unseen people: rank-1 accuracy {100 * p:.1f} % "
      f"(95 % {100 * (centre - half):.1f}-{100 * (centre + half):.1f} %); at the calibrated threshold "
      f"{accepted_correct} correct matches, {accepted_wrong} wrong matches, {n - accepted_correct - accepted_wrong} refused")
PY
}
run_protocol unseen-8 "${held[@]}"
run_protocol all-40 "${people[@]}"
