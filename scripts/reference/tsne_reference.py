"""Reference values for SiameseKit's PCA, t-SNE and trustworthiness (Tests/SiameseEvaluationTests/Projection*).

Run in the peer venv from the repository root:

    ~/.cache/siamese-peers/venv/bin/python scripts/reference/tsne_reference.py

Input: 1,000 MNIST test images (seeded draw from ../shared/datasets/mnist/t10k-images.idx3-ubyte.gz), pixels / 255,
reduced to 50 dimensions by scikit-learn's PCA and quantised to multiples of 0.001 (stored as integers, so the
fixture is small and both sides read exactly the same float32 values). Writes
Tests/SiameseTestSupport/Fixtures/tsne_reference.json with:
  points_milli      1000×50 integers; the points are float32(value / 1000)
  labels            the digit of each point
  pca               sklearn PCA(n_components=2).fit_transform(points as float64)
  barnes_hut        sklearn TSNE(init="pca", method="barnes_hut", random_state=0), defaults otherwise:
                    embedding (rounded to 0.001), trustworthiness (k=5) of the rounded embedding, kl, iterations, seconds
  exact             the same with method="exact"
  pca_trustworthiness  trustworthiness (k=5) of the PCA projection
"""
import gzip
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np
import sklearn
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE, trustworthiness

ROOT = Path(__file__).resolve().parents[2]
MNIST = ROOT.parent / "shared" / "datasets" / "mnist"
OUT = ROOT / "Tests" / "SiameseTestSupport" / "Fixtures" / "tsne_reference.json"
COUNT = 1000


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def main():
    images = read_idx(MNIST / "t10k-images.idx3-ubyte.gz").reshape(-1, 784).astype(np.float64) / 255
    labels = read_idx(MNIST / "t10k-labels.idx1-ubyte.gz")
    pick = np.sort(np.random.default_rng(0).choice(len(images), COUNT, replace=False))
    reduced = PCA(n_components=50, svd_solver="full").fit_transform(images[pick])
    milli = np.round(reduced * 1000).astype(np.int64)
    x32 = (milli / 1000).astype(np.float32)
    x64 = x32.astype(np.float64)

    pca = PCA(n_components=2, svd_solver="full").fit_transform(x64)
    result = {
        "generator": "scripts/reference/tsne_reference.py",
        "versions": {"python": platform.python_version(), "sklearn": sklearn.__version__, "numpy": np.__version__},
        "points_milli": milli.tolist(),
        "labels": labels[pick].astype(int).tolist(),
        "pca": np.round(pca, 7).tolist(),
        "pca_trustworthiness": float(trustworthiness(x64, pca, n_neighbors=5)),
    }
    for method in ["barnes_hut", "exact"]:
        start = time.perf_counter()
        tsne = TSNE(n_components=2, perplexity=30, init="pca", random_state=0, method=method)
        embedding = tsne.fit_transform(x32)
        seconds = time.perf_counter() - start
        rounded = np.round(embedding.astype(np.float64), 3).astype(np.float32).astype(np.float64)
        result[method] = {
            "embedding": rounded.tolist(),
            "trustworthiness": float(trustworthiness(x64, rounded, n_neighbors=5)),
            "kl_divergence": float(tsne.kl_divergence_),
            "iterations": int(tsne.n_iter_),
            "seconds": seconds,
        }
        print(f"{method}: trustworthiness {result[method]['trustworthiness']:.5f}, KL {tsne.kl_divergence_:.4f}, "
              f"{tsne.n_iter_} iterations, {seconds:.1f} s", file=sys.stderr)
    print(f"pca trustworthiness {result['pca_trustworthiness']:.5f}", file=sys.stderr)
    OUT.write_text(json.dumps(result, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
