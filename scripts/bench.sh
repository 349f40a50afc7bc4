#!/usr/bin/env bash
# Benchmarks side by side with the peer kit (../shared/peers), in one run: the peer's step first, then the
# matching `siamese-bench` command, which prints both with ratios. Needs the peer venv for the peer columns
# (bash ../shared/peers/setup.sh). Usage:
#   bash scripts/bench.sh engine     # GEMM and conv2d      (peer: gemm.py, conv.py)
#   bash scripts/bench.sh losses     # losses and miners    (peer: pml_speed.py, scripts/bench/pml_speed_breadth.py: more losses, miners)
#   bash scripts/bench.sh tutorial   # tutorial Siamese CNN (peer: siamese_tutorial.py --quick)
#   bash scripts/bench.sh tsne       # Barnes-Hut t-SNE, 20,000 MNIST digits (peer: scripts/bench/tsne_peer.py, sklearn)
#   bash scripts/bench.sh text       # MiniLM encoding, batch 1 and 32 (peer: minilm.py, minilm_ort.py)
#   bash scripts/bench.sh search     # exact and HNSW k-NN, MNIST-784 Euclidean (peer: faiss_bench.py, ann.py)
#   bash scripts/bench.sh koch       # Koch et al.'s network, training batch 32 and inference (peer: koch.py, and
#                                    # scripts/bench/koch_peer_cpu.py for CPU time; KOCH_THREADS=1 for one thread,
#                                    # e.g. `KOCH_THREADS=1 taskset -c 0 bash scripts/bench.sh koch` on a busy machine)
#   bash scripts/bench.sh fewshot-table   # issue 17's few-shot comparison table: trains recipes/fewshot/*.yaml one at a
#                                    # time (reusing finished runs under runs/fewshot-table), prints the markdown table;
#                                    # e.g. `OPENBLAS_NUM_THREADS=1 nice -n 5 bash scripts/bench.sh fewshot-table --threads 1`
# Extra arguments go to siamese-bench.
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:?usage: bash scripts/bench.sh engine|losses|tutorial|tsne|text|search|koch|fewshot-table [siamese-bench options]}"
shift
case "$what" in
  engine) steps="gemm conv" ;;
  losses) steps="pml_speed" ;;
  tutorial) steps="siamese_quick" ;;
  tsne) steps="" ;;  # our own peer script, below
  text) steps="minilm minilm_ort"; bash scripts/get-minilm.sh >&2 ;;
  search) steps="faiss ann"; export PEERS_MNIST_DIR="${PEERS_MNIST_DIR:-$(cd ../shared/datasets/mnist && pwd)}" ;;
  fewshot-table) steps="" ;;  # no peer: the table compares SiameseKit's methods with each other
  koch) steps="koch"; [ "${KOCH_THREADS:-2}" = 2 ] || steps="" ;;  # koch.py trains with 2 threads only
  *) echo "bench: unknown benchmark '$what' (engine, losses, tutorial, tsne, text, search, koch or fewshot-table)" >&2; exit 2 ;;
esac
# Build output goes to standard error; standard output holds only siamese-bench's report.
bash scripts/setup.sh >&2
PEERS="${PEERS:-../shared/peers}"
export PEERS_OUT="${PEERS_OUT:-$HOME/.cache/siamese-peers/out}"
swift build -c release --product siamese-bench >&2
if [ -x "${PEERS_VENV:-$HOME/.cache/siamese-peers/venv}/bin/python" ] && [ "$what" = tsne ]; then
  "${PEERS_VENV:-$HOME/.cache/siamese-peers/venv}/bin/python" scripts/bench/tsne_peer.py "$PEERS_OUT/raw" >&2
elif [ -x "${PEERS_VENV:-$HOME/.cache/siamese-peers/venv}/bin/python" ]; then
  if [ -n "$steps" ]; then QUICK=1 STEPS="$steps" bash "$PEERS/run_benchmarks.sh" >&2; fi
  # Issue 13: the PML losses and miners pml_speed.py does not time, by our own PML script.
  if [ "$what" = losses ]; then
    PEERS="$PEERS" "${PEERS_VENV:-$HOME/.cache/siamese-peers/venv}/bin/python" scripts/bench/pml_speed_breadth.py >&2
  fi
  # Koch: PyTorch's CPU time per pair and per image at the thread count we measure, in the same run.
  if [ "$what" = koch ]; then
    "${PEERS_VENV:-$HOME/.cache/siamese-peers/venv}/bin/python" scripts/bench/koch_peer_cpu.py "${KOCH_THREADS:-2}" >&2
  fi
else
  echo "bench: peer venv missing; run 'bash $PEERS/setup.sh' for the peer columns" >&2
fi
[ "$what" = koch ] && set -- --threads "${KOCH_THREADS:-2}" "$@"
.build/release/siamese-bench "$what" --peers "$PEERS_OUT/raw" "$@"
