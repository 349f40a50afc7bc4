"""The scikit-learn side of `bash scripts/bench.sh tsne`: Barnes-Hut t-SNE on 20,000 MNIST training digits.

    ~/.cache/siamese-peers/venv/bin/python scripts/bench/tsne_peer.py OUT_DIR [--points N]

Draws N (default 20,000) images from ../shared/datasets/mnist/train-images.idx3-ubyte.gz (seed 0), pixels / 255,
reduces them to 50 dimensions with scikit-learn's PCA, and writes to OUT_DIR:
  tsne_input.f32   the N×50 float32 points, row-major little-endian (siamese-bench tsne reads the same points)
  tsne.json        {"points", "dimensions", "seconds" (TSNE.fit_transform wall time), "cpu_seconds" (process
                    CPU time, all threads, over the same span), "threads",
                    "trustworthiness_first_2000" (k=5, on the first 2,000 points of input and embedding), versions}
sklearn's TSNE with its defaults (method="barnes_hut", angle=0.5, perplexity=30, init="pca", max_iter=1000),
random_state=0, all cores (its gradient uses OpenMP threads).
"""
import gzip
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import sklearn
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE, trustworthiness

ROOT = Path(__file__).resolve().parents[2]
MNIST = ROOT.parent / "shared" / "datasets" / "mnist"


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def main():
    out = Path(sys.argv[1])
    count = int(sys.argv[sys.argv.index("--points") + 1]) if "--points" in sys.argv else 20000
    out.mkdir(parents=True, exist_ok=True)
    images = read_idx(MNIST / "train-images.idx3-ubyte.gz").reshape(-1, 784).astype(np.float64) / 255
    pick = np.sort(np.random.default_rng(0).choice(len(images), count, replace=False))
    x = PCA(n_components=50, svd_solver="full").fit_transform(images[pick]).astype(np.float32)
    x.astype("<f4").tofile(out / "tsne_input.f32")
    start, cpu = time.perf_counter(), time.process_time()
    embedding = TSNE(n_components=2, random_state=0).fit_transform(x)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    first = min(2000, count)
    trust = trustworthiness(x[:first].astype(np.float64), embedding[:first].astype(np.float64), n_neighbors=5)
    result = {"points": count, "dimensions": 50, "seconds": seconds, "cpu_seconds": cpu, "threads": os.cpu_count(),
              "trustworthiness_first_2000": float(trust),
              "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__}}
    (out / "tsne.json").write_text(json.dumps(result, indent=1) + "\n")
    print(f"sklearn TSNE barnes_hut on {count} points: {seconds:.1f} s ({cpu:.1f} s CPU), trustworthiness(first {first}) {trust:.4f}")


if __name__ == "__main__":
    main()
