#!/usr/bin/env bash
# Load test of `siamese serve` on loopback with wrk (Debian's package): POST /embed (one 28×28 PGM image per
# request) and POST /gallery/identify (the same image as the probe, k = 5, against a SQLite gallery pre-filled with
# GALLERY_SIZE identities, default 1000) at 1, 8 and 64 connections, DURATION seconds each (default 10); prints
# requests/s and p50/p99 latency and fails if any answer is a 5xx or not a 2xx, or a socket error occurs. With
# --write, the table replaces the "siamese serve" section of BENCHMARKS.md.
#
#   bash scripts/load-test.sh [--write] [--model DIR]
#
# Without --model it trains a tiny conv4 model on the bundled MNIST sample (a few steps; the weights do not matter
# for speed) into runs/load-test. Uses the release build of `siamese`.
set -euo pipefail
cd "$(dirname "$0")/.."
write=0; model=""
while [ $# -gt 0 ]; do
  case "$1" in
    --write) write=1 ;;
    --model) model="$2"; shift ;;
    *) echo "load-test: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
DURATION="${DURATION:-10}"
GALLERY_SIZE="${GALLERY_SIZE:-1000}"
PORT="${PORT:-18080}"
bash scripts/setup.sh >&2
if ! command -v wrk >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi
swift build -c release --product siamese >&2
bin=.build/release/siamese
if [ -z "$model" ]; then
  model=runs/load-test/model
  if [ ! -f "$model/modules.json" ]; then
    rm -rf runs/load-test
    "$bin" train --data mnist --encoder conv4 --epochs 1 --steps-per-epoch 3 --evaluation-pairs 200 --quiet --seed 1 \
      --output runs/load-test >&2
  fi
fi
work="$(mktemp -d)"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
# One 28×28 binary PGM, base64, as the request body.
python3 - "$work/body.json" <<'PY'
import base64, json, sys
w = h = 28
pgm = b"P5\n%d %d\n255\n" % (w, h) + bytes((i * 37) % 251 for i in range(w * h))
json.dump({"inputs": [{"image": base64.b64encode(pgm).decode()}]}, open(sys.argv[1], "w"))
PY
"$bin" serve --model "$model" --gallery "$work/gallery.sqlite" --host 127.0.0.1 --port "$PORT" --max-inputs 64 > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; echo "load-test: server did not start" >&2; exit 1; }
  sleep 0.2
done
curl -fsS -X POST -H 'Content-Type: application/json' --data-binary @"$work/body.json" "http://127.0.0.1:$PORT/embed" >/dev/null
# The gallery: GALLERY_SIZE identities of one seeded unit-vector embedding each, enrolled over HTTP; the identify body
# is the same image with k = 5 (and an explicit threshold when the model has no calibrated one).
python3 - "$PORT" "$GALLERY_SIZE" "$work/body.json" "$work/identify.json" <<'PY'
import json, random, sys, urllib.request
port, count, body_file, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
base = "http://127.0.0.1:%d" % port
health = json.load(urllib.request.urlopen(base + "/health"))
rng = random.Random(1)
for i in range(count):
    v = [rng.gauss(0, 1) for _ in range(health["dimension"])]
    n = sum(x * x for x in v) ** 0.5
    request = urllib.request.Request(base + "/gallery/identities", method="POST", headers={"Content-Type": "application/json"},
                                     data=json.dumps({"name": "id-%05d" % i, "inputs": [{"embedding": [x / n for x in v]}]}).encode())
    urllib.request.urlopen(request).read()
probe = json.load(open(body_file))["inputs"][0]
body = {"input": probe, "k": 5}
if health.get("threshold") is None:
    body["threshold"] = 0.5
json.dump(body, open(out, "w"))
PY
curl -fsS -X POST -H 'Content-Type: application/json' --data-binary @"$work/identify.json" "http://127.0.0.1:$PORT/gallery/identify" >/dev/null
cores=$(nproc)
table="| route | connections | requests/s | p50 ms | p99 ms | requests | non-2xx | 5xx |
|---|---:|---:|---:|---:|---:|---:|---:|"
failed=0
for route in /embed /gallery/identify; do
  body="$work/body.json"; [ "$route" = /gallery/identify ] && body="$work/identify.json"
  for c in 1 8 64; do
    threads=$(( c < cores ? c : cores ))
    line=$(BODY_FILE="$body" wrk -t "$threads" -c "$c" -d "${DURATION}s" --timeout 10s -s scripts/load-test/post.lua \
      "http://127.0.0.1:$PORT$route" | grep '^RESULT')
    echo "$route $line" >&2
    get() { echo "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
    non2xx=$(( $(get s4xx) + $(get s5xx) + $(get other) + $(get errors) ))
    table="$table
| POST $route | $c | $(get rps) | $(get p50_ms) | $(get p99_ms) | $(get requests) | $non2xx | $(get s5xx) |"
    if [ "$(get s5xx)" != "0" ] || [ "$non2xx" != "0" ]; then failed=1; fi
  done
done
batches=$(curl -fsS "http://127.0.0.1:$PORT/metrics" | grep -E '^siamese_encoder_batch_size_(sum|count)' | tr '\n' ' ')
kill -TERM "$server_pid"; wait "$server_pid" && stopped="exit 0 after SIGTERM" || stopped="exit $? after SIGTERM"
server_pid=""
report="$table

Encoder passes during the run (micro-batching): $batches; server: $stopped.
Command: \`DURATION=$DURATION GALLERY_SIZE=$GALLERY_SIZE bash scripts/load-test.sh --write\` ($(nproc) cores, 1-minute load average $(cut -d' ' -f1 /proc/loadavg) at the end, wrk $(wrk --version 2>&1 | head -1 | awk '{print $2}'), $(date -u +%Y-%m-%d))."
echo "$report"
if [ "$write" = 1 ]; then
  python3 - "$report" <<'PY'
import re, sys
path, report = "BENCHMARKS.md", sys.argv[1]
text = open(path).read() if __import__("os").path.exists(path) else "# Benchmarks\n"
section = "## siamese serve (load test)\n\nPOST /embed with one 28×28 PGM image per request, and POST /gallery/identify with the same image as the probe (k = 5) against a SQLite gallery of 1,000 identities (`--gallery`), to `siamese serve` (release build, a conv4 model with 28×28 input and 64-d embeddings, batch window 2 ms) on loopback, wrk on the same 2 cores as the server (and, here, beside other builds, so single runs vary). Identify embeds the probe through the same micro-batcher, then searches the gallery's in-memory exact index (after checking the store's generation, one SQLite read per request). Passes average sum/count images: concurrent requests share encoder passes; at 1 connection the 2 ms window is pure wait. No peer column: the issue asks for throughput and zero 5xx.\n\n" + report + "\n"
pattern = re.compile(r"## siamese serve \(load test\)\n.*?(?=\n## |\Z)", re.S)
text = pattern.sub(lambda _: section.rstrip("\n"), text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
open(path, "w").write(text)
PY
fi
[ "$failed" = 0 ] || { echo "load-test: some answers were not 200 (see the table)" >&2; exit 1; }
