#!/usr/bin/env bash
# Coverage-guided fuzzing of SiameseKit's parsers with libFuzzer and the address sanitizer.
#
#   scripts/fuzz.sh TARGET SECONDS [libFuzzer options]   fuzz one target, starting from Fuzz/corpus/TARGET
#   scripts/fuzz.sh all SECONDS                            each target in turn, SECONDS each
#   scripts/fuzz.sh build                                  build the harness only
#   scripts/fuzz.sh replay [TARGET]                        run every committed regression input once
#
# Targets: safetensors idx idx-gzip pnm png jpeg zip recipe-json recipe-yaml model-folder vocab text http.
# New corpus entries go to a scratch folder (pass -corpus-out=DIR to keep them, or FUZZ_CORPUS_OUT=DIR); a crash,
# a sanitizer report, a timeout or running out of memory leaves the input in Fuzz/crashes/TARGET/ and fails the run.
# The last line of each run reports `executions=N` (libFuzzer's count), which RELIABILITY.md quotes.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
targets=(safetensors idx idx-gzip pnm png jpeg zip recipe-json recipe-yaml model-folder vocab text http)

runtime=$(ls "$(dirname "$(readlink -f "$(command -v swiftc)")")"/../lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a 2>/dev/null | head -1 || true)
if [ -z "$runtime" ]; then
  echo "fuzz.sh: libFuzzer's runtime (libclang_rt.fuzzer_no_main) is not in this Swift toolchain" >&2
  exit 1
fi
binary="$root/Fuzz/.build/debug/siamese-fuzz"

build() {
  # Every Swift module (ours and the dependencies) gets the address sanitizer and libFuzzer's coverage counters;
  # -sanitize=fuzzer goes to the compiler only, since SwiftPM's executables bring their own main.
  SIAMESE_FUZZER_RUNTIME="$runtime" swift build --package-path Fuzz --product siamese-fuzz \
    -Xswiftc -sanitize=address -Xswiftc -Xfrontend -Xswiftc -sanitize=fuzzer 2>&1 | grep -v "Cannot export local symbol" || true
  if [ ! -x "$binary" ] || [ -n "$(find Sources Fuzz/Sources Fuzz/Package.swift -newer "$binary" -name '*.swift' 2>/dev/null | head -1)" ]; then
    echo "fuzz.sh: the fuzz harness did not build" >&2
    exit 1
  fi
}

# libFuzzer must see the crash, not Swift's backtracer (which would also take minutes to symbolicate).
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1}"

fuzz_one() {
  local target=$1 seconds=$2; shift 2
  local scratch; scratch=$(mktemp -d "${TMPDIR:-/tmp}/siamese-fuzz-XXXXXX")
  local corpus="$scratch/corpus" crashes="$root/Fuzz/crashes/$target"
  mkdir -p "$corpus" "$crashes"
  local seeds=("$root/Fuzz/corpus/$target")
  [ -d "$root/Fuzz/regressions/$target" ] && seeds+=("$root/Fuzz/regressions/$target")
  local out="${FUZZ_CORPUS_OUT:-}"
  [ -n "$out" ] && mkdir -p "$out/$target" && corpus="$out/$target"
  local log="$scratch/log" rc=0
  TMPDIR="$scratch" "$binary" "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=3072 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$crashes/" "$@" "$corpus" "${seeds[@]}" >"$log" 2>&1 || rc=$?
  local execs; execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  local cov; cov=$(grep -oE '(INITED|DONE|pulse|NEW|REDUCE) +cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$' || echo 0)
  if [ "$rc" != 0 ]; then
    tail -60 "$log" >&2
    echo "fuzz.sh: $target FAILED (exit $rc) after executions=$execs; input saved under Fuzz/crashes/$target/" >&2
    rm -rf "$scratch"
    return 1
  fi
  rmdir "$crashes" 2>/dev/null || true
  rmdir "$root/Fuzz/crashes" 2>/dev/null || true
  echo "fuzz.sh: $target ok seconds=$seconds executions=$execs coverage=$cov"
  rm -rf "$scratch"
}

command=${1:-}
case "$command" in
  build) build ;;
  replay)
    build
    failed=0
    for target in "${targets[@]}"; do
      [ -n "${2:-}" ] && [ "$2" != "$target" ] && continue
      for dir in Fuzz/regressions/$target Fuzz/corpus/$target; do
        [ -d "$dir" ] && [ -n "$(ls -A "$dir")" ] || continue
        scratch=$(mktemp -d)
        TMPDIR="$scratch" "$binary" "$target" -runs=1 "$dir"/* >"$scratch/log" 2>&1 || { tail -40 "$scratch/log" >&2; failed=1; }
        rm -rf "$scratch"
      done
      echo "fuzz.sh: replayed $target"
    done
    exit $failed
    ;;
  all)
    seconds=${2:?"usage: scripts/fuzz.sh all SECONDS"}
    build
    failed=0
    for target in "${targets[@]}"; do fuzz_one "$target" "$seconds" || failed=1; done
    exit $failed
    ;;
  ""|-h|--help) sed -n '2,12p' "$0"; exit 2 ;;
  *)
    seconds=${2:?"usage: scripts/fuzz.sh TARGET SECONDS"}
    printf '%s\n' "${targets[@]}" | grep -qx "$command" || { echo "fuzz.sh: unknown target $command (known: ${targets[*]})" >&2; exit 2; }
    build
    shift 2
    fuzz_one "$command" "$seconds" "$@"
    ;;
esac
