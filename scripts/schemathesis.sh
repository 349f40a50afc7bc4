#!/usr/bin/env bash
# Fuzzes `siamese serve --gallery` against its own OpenAPI document with schemathesis (from PyPI, in a venv under
# ~/.cache): malformed, truncated, wrong-type and out-of-range requests on every route, and the schema-valid ones.
# Fails when any answer is a 5xx, has a status the document does not list for the operation, is not the
# documented content type or schema, when schema-invalid data is accepted, or when a wrong method is not a 405
# with an Allow header.
#
#   bash scripts/schemathesis.sh            # debug build; MAX_EXAMPLES (default 60) per operation and phase
#   MAX_TIME=600 bash scripts/schemathesis.sh   # keep fuzzing until 600 s are spent
#   CONFIG=release bash scripts/schemathesis.sh
#   SIAMESE_BIN=.build/debug/siamese bash scripts/schemathesis.sh   # an already built program
#
# The model is a tiny MLP trained for three steps on the bundled MNIST sample (the weights do not matter here); the
# gallery is a fresh SQLite file with three identities enrolled before the run.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=4.32.5
VENV="${SIAMESE_SCHEMATHESIS_VENV:-$HOME/.cache/siamese-schemathesis/venv}"
CONFIG="${CONFIG:-debug}"
MAX_EXAMPLES="${MAX_EXAMPLES:-60}"
MAX_TIME="${MAX_TIME:-}"
PORT="${PORT:-18181}"
if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$VERSION"; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "schemathesis==$VERSION"
fi
if [ -n "${SIAMESE_BIN:-}" ]; then
  bin="$SIAMESE_BIN"
else
  swift build -c "$CONFIG" --product siamese >&2
  bin="$(swift build -c "$CONFIG" --show-bin-path)/siamese"
fi
work="$(mktemp -d)"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
"$bin" train --data mnist --encoder mlp --embedding-size 8 --epochs 1 --steps-per-epoch 3 --evaluation-pairs 200 --quiet --seed 1 \
  --output "$work/run" >&2
"$bin" serve --model "$work/run/model" --gallery "$work/gallery.sqlite" --host 127.0.0.1 --port "$PORT" --max-inputs 8 \
  --max-body-mb 1 > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; echo "schemathesis.sh: server did not start" >&2; exit 1; }
  sleep 0.2
done
dimension=$(curl -fsS "http://127.0.0.1:$PORT/health" | python3 -c 'import json, sys; print(json.load(sys.stdin)["dimension"])')
for name in ada grace alan; do
  body=$(python3 -c "import json, random; r = random.Random('$name'); print(json.dumps({'name': '$name', 'inputs': [{'embedding': [r.uniform(-1, 1) for _ in range($dimension)]}]}))")
  curl -fsS -X POST -H 'Content-Type: application/json' -d "$body" "http://127.0.0.1:$PORT/gallery/identities" >/dev/null
done
# A request that is both schema-invalid and over a limit may be refused with the limit's 413 (the count is checked first).
cat > "$work/schemathesis.toml" <<'TOML'
[checks.negative_data_rejection]
expected-statuses = ["400", "404", "405", "406", "409", "413", "415", "422"]
TOML
start=$(date +%s)
status=0
# From the temporary folder, so that schemathesis's own cache (.schemathesis/) is not left in the checkout.
(cd "$work" && "$VENV/bin/schemathesis" --config-file "$work/schemathesis.toml" run "http://127.0.0.1:$PORT/openapi.json" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection,unsupported_method,allow_header_conformance \
  --max-examples "$MAX_EXAMPLES" ${MAX_TIME:+--max-time "$MAX_TIME"} --seed 1 --request-timeout 60 --continue-on-failure \
  --suppress-health-check all --warnings off) || status=$?
echo "schemathesis.sh: $(( $(date +%s) - start )) s of fuzzing, schemathesis exit $status" >&2
if grep -q "unexpected error" "$work/server.log"; then
  echo "schemathesis.sh: the server logged unexpected errors:" >&2; grep "unexpected error" "$work/server.log" | head -5 >&2; status=1
fi
kill -0 "$server_pid" 2>/dev/null || { echo "schemathesis.sh: the server died" >&2; cat "$work/server.log" >&2; exit 1; }
exit "$status"
