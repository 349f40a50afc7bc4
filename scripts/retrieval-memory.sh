#!/usr/bin/env bash
# Issue 13's memory check in release: AccuracyCalculator (all metrics, k = max_bin_count) on 100,000 seeded 16-d points
# of 1,000 classes, every point a query against all the others (10^5 x 10^5), in its own process. Prints one JSON line
# with the metrics, CPU seconds and peak resident bytes (getrusage ru_maxrss). Extra arguments go to retrieval-probe.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product retrieval-probe >&2
.build/release/retrieval-probe --points 100000 --queries 100000 --dimension 16 --classes 1000 "$@"
