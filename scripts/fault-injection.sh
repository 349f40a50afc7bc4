#!/usr/bin/env bash
# Fault injection: kill -9 at random moments while `siamese` trains (writing checkpoint/ and last/), resumes and saves
# its model folder, and while it enrolls into a gallery; after every kill the files must be intact (checked by
# scripts/fault/check.py, which reads them without the Swift code) and the run must resume. Then a full disk: a
# file-size limit (ulimit -f) makes a checkpoint, model or gallery write fail; the command must fail with a typed
# error and leave the earlier files intact.
#
#   scripts/fault-injection.sh [TRAINING_KILLS [GALLERY_KILLS]]     (default 50 and 30)
#
# Environment: SIAMESE=path to the CLI (default: built with `swift build --product siamese`), SEED for the random
# kill times (default: the time). Prints one summary line per scenario and `kills survived: N`.
set -euo pipefail
cd "$(dirname "$0")/.."
training_kills=${1:-50}
gallery_kills=${2:-30}
seed=${SEED:-$(date +%s)}
RANDOM=$seed
if [ -z "${SIAMESE:-}" ]; then
  swift build --product siamese >/dev/null
  SIAMESE="$(swift build --show-bin-path)/siamese"
fi
check="python3 scripts/fault/check.py"
work=$(mktemp -d "${TMPDIR:-/tmp}/siamese-faults-XXXXXX")
trap 'rm -rf "$work"' EXIT
export SWIFT_BACKTRACE=enable=no
fail() { echo "fault-injection: FAILED: $*" >&2; [ -f "$work/out" ] && tail -20 "$work/out" >&2; exit 1; }
echo "fault-injection: seed $seed, work folder $work"

# A random delay in seconds between $1 and $2 (milliseconds).
pause() { local ms=$(( $1 + (RANDOM * 32768 + RANDOM) % ($2 - $1 + 1) )); printf '%d.%03d' $((ms / 1000)) $((ms % 1000)); }

# Runs "$@" in the background, kills it with SIGKILL after $delay seconds; sets `finished` when it ended by itself.
kill_after() {
  local delay=$1; shift
  "$@" >"$work/out" 2>&1 &
  local pid=$!
  sleep "$delay"
  if kill -9 "$pid" 2>/dev/null; then
    wait "$pid" 2>/dev/null || true
    finished=0
  else
    local rc=0
    wait "$pid" || rc=$?
    [ "$rc" = 0 ] || fail "$* exited with status $rc before it was killed"
    finished=1
  fi
}

# --- Training, checkpointing, resuming and saving the model -------------------------------------------------------
train=(train --data mnist --encoder mlp --embedding-size 16 --epochs 6 --steps-per-epoch 8 --batch-size 32
       --evaluation-pairs 200 --ways 5 --quiet --no-report --seed 3 --threads 1)
run="$work/run"
start=$(date +%s%N)
"$SIAMESE" "${train[@]}" --output "$work/reference" >"$work/out" 2>&1 || fail "an uninterrupted training run"
full_ms=$(( ($(date +%s%N) - start) / 1000000 ))
$check run "$work/reference" >/dev/null || fail "the uninterrupted run's files"
echo "fault-injection: an uninterrupted run takes ${full_ms} ms; killing within that"
kills=0 resumes=0 completed=0 last_epochs=-1
while [ "$kills" -lt "$training_kills" ]; do
  # A resumed run has fewer epochs left, so its kill comes within the first half of a whole run's time.
  if [ -d "$run/last" ]; then
    command=("$SIAMESE" train --resume "$run" --quiet --no-report --threads 1); resumes=$((resumes + 1)); span=$((full_ms / 2))
  else
    rm -rf "$run"
    command=("$SIAMESE" "${train[@]}" --output "$run"); last_epochs=-1; span=$full_ms
  fi
  delay=$(pause 50 "$span")
  kill_after "$delay" "${command[@]}"
  epochs=$($check run "$run") || fail "after a kill: $epochs"
  [ "$epochs" -ge "$last_epochs" ] || fail "last/ went back from epoch $last_epochs to $epochs"
  [ "$last_epochs" -lt 0 ] || [ -d "$run/last" ] || fail "last/ disappeared"
  last_epochs=$epochs
  if [ "$finished" = 1 ]; then
    completed=$((completed + 1))
    [ -f "$run/model/model.json" ] || fail "a finished run has no model folder"
    rm -rf "$run"
  else
    kills=$((kills + 1))
    echo "fault-injection: training kill $kills after ${delay} s of ${command[1]} ${command[2]}: intact, last/ at epoch $epochs"
  fi
done
# The last interrupted run resumes to the end.
if [ -d "$run/last" ]; then
  "$SIAMESE" train --resume "$run" --quiet --no-report --threads 1 >"$work/out" 2>&1 || fail "the final resume"
  $check run "$run" >/dev/null || fail "the finished run's files"
fi
echo "fault-injection: training: $kills kills survived ($resumes resumes started, $completed runs completed between kills)"
total=$kills

# --- Gallery enrolling --------------------------------------------------------------------------------------------
model="$work/reference/model"
gallery="$work/gallery.sqlite"
python3 - "$work/batch.jsonl" <<'PY'
import json, random, sys
random.seed(18)
with open(sys.argv[1], "w") as f:
    for i in range(400):
        f.write(json.dumps({"name": f"person-{i:04d}", "metadata": {"n": str(i)},
                            "embeddings": [[random.uniform(-1, 1) for _ in range(16)] for _ in range(2)]}) + "\n")
PY
: >"$work/committed"
"$SIAMESE" gallery list --gallery "$gallery" --model "$model" >/dev/null 2>&1 || true
start=$(date +%s%N)
"$SIAMESE" gallery enroll --batch "$work/batch.jsonl" --gallery "$work/timing.sqlite" --model "$model" --json >/dev/null 2>&1 || fail "an uninterrupted enroll batch"
batch_ms=$(( ($(date +%s%N) - start) / 1000000 ))
kills=0
while [ "$kills" -lt "$gallery_kills" ]; do
  # Each round enrolls the batch lines not committed yet (already enrolled names would only add references).
  python3 - "$work/batch.jsonl" "$work/committed" "$work/todo.jsonl" <<'PY'
import json, sys
done = {l.strip() for l in open(sys.argv[2]) if l.strip()}
lines = [l for l in open(sys.argv[1]) if json.loads(l)["name"] not in done]
open(sys.argv[3], "w").writelines(lines or open(sys.argv[1]).readlines()[:1])
PY
  kill_after "$(pause 20 "$batch_ms")" "$SIAMESE" gallery enroll --batch "$work/todo.jsonl" --gallery "$gallery" --model "$model" --json
  python3 -c 'import json,sys; [print(json.loads(l)["identity"]["name"]) for l in open(sys.argv[1]) if l.startswith("{")]' "$work/out" >>"$work/committed" \
    || fail "enroll printed something that is not a receipt"
  count=$($check gallery "$gallery" "$work/committed") || fail "after a kill: $count"
  "$SIAMESE" gallery list --gallery "$gallery" --model "$model" --json >/dev/null 2>"$work/out" || fail "the gallery does not open after a kill"
  if [ "$finished" = 0 ]; then
    kills=$((kills + 1))
    echo "fault-injection: gallery kill $kills: intact, $count identities, every committed enroll present"
  fi
done
echo "fault-injection: gallery: $kills kills survived ($count identities stored, every committed enroll present)"
total=$((total + kills))

# --- A full disk ---------------------------------------------------------------------------------------------------
# ulimit -f caps the size of any file the command writes (in 1 KiB blocks); SIGXFSZ is ignored so that the write
# fails with EFBIG, as on a full file system, instead of killing the process.
full="$work/full"
cp -r "$work/reference" "$full"
before=$(cd "$full" && find . -type f -newer /dev/null -exec sha256sum {} + | sort)
limited() { (trap '' XFSZ; ulimit -f "$1"; shift; exec "$@") >"$work/out" 2>&1; }
if limited 4 "$SIAMESE" train --resume "$full" --epochs 8 --quiet --no-report --threads 1; then
  fail "training with a 4 KiB file-size limit succeeded"
fi
grep -qiE "error|cannot|failed" "$work/out" || fail "no error message with a full disk"
grep -qiE "fatal error|crashed|backtrace" "$work/out" && fail "the CLI crashed on a full disk"
after=$(cd "$full" && find . -path ./log.txt -prune -o -path ./config.json -prune -o -path ./preprocessing.json -prune -o -type f -exec sha256sum {} + | sort)
expected=$(cd "$full" && echo "$before" | grep -vE ' \./(log\.txt|config\.json|preprocessing\.json)$')
[ "$after" = "$expected" ] || fail "a failed write changed the earlier files"
$check run "$full" >/dev/null || fail "the run folder after a failed write"
echo "fault-injection: full disk (training): $(grep -iE 'error' "$work/out" | head -1 | cut -c1-160)"
cp "$gallery" "$work/full.sqlite"
python3 - "$work/big.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(2000):
        f.write(json.dumps({"name": f"extra-{i}", "embeddings": [[0.5] * 16] * 4}) + "\n")
PY
size_kb=$(( $(stat -c %s "$work/full.sqlite") / 1024 + 8 ))
if limited "$size_kb" "$SIAMESE" gallery enroll --batch "$work/big.jsonl" --gallery "$work/full.sqlite" --model "$model" --json; then
  fail "enrolling past a file-size limit succeeded"
fi
grep -qiE "fatal error|crashed|backtrace" "$work/out" && fail "the CLI crashed on a full disk"
python3 -c 'import json,sys; [print(json.loads(l)["identity"]["name"]) for l in open(sys.argv[1]) if l.startswith("{")]' "$work/out" >>"$work/committed"
$check gallery "$work/full.sqlite" "$work/committed" >/dev/null || fail "the gallery after a failed write"
echo "fault-injection: full disk (gallery): $(grep -iE 'error|full|disk' "$work/out" | head -1 | cut -c1-160)"
echo "fault-injection: kills survived: $total"
