"""Writes Tests/SiameseTestSupport/Fixtures/accuracy_calculator_reference.json: PyTorch Metric Learning 2.9's
AccuracyCalculator on seeded query/reference sets (self-retrieval and separate references, k=None,
'max_bin_count' and integers, exact distance ties, single-member classes, avg_of_avgs, return_per_class), the
faiss k-means assignments behind NMI/AMI, and scikit-learn's NMI/AMI of given labellings.
Run in the peer venv: ~/.cache/siamese-peers/venv/bin/python scripts/reference/accuracy_calculator_reference.py"""
import json
import logging
import pathlib

import faiss
import numpy as np
import sklearn
import torch
import pytorch_metric_learning
from pytorch_metric_learning.utils.accuracy_calculator import AccuracyCalculator
from pytorch_metric_learning.utils.inference import FaissKMeans
from sklearn.metrics import adjusted_mutual_info_score, normalized_mutual_info_score

logging.getLogger("PML").setLevel(logging.ERROR)
torch.set_num_threads(2)
ALL = ("precision_at_1", "r_precision", "mean_average_precision_at_r", "mean_average_precision",
       "mean_reciprocal_rank", "NMI", "AMI")
KNN = ALL[:5]
rng = np.random.default_rng(2026)


def blobs(sizes, dim, spread=1.0, scale=1.5):
    centers = rng.normal(size=(len(sizes), dim)) * scale
    labels = np.concatenate([np.full(s, c) for c, s in enumerate(sizes)])
    rng.shuffle(labels)
    x = centers[labels] + rng.normal(size=(len(labels), dim)) * spread
    return x.astype(np.float32), labels.astype(np.int64)


def f32list(x):
    return [[float(v) for v in row] for row in np.asarray(x, dtype=np.float32)]


def knn_stable(q, r, k, self_match):
    """Neighbours by exact squared L2 in float64, ties to the lower index (what the Swift side assumes)."""
    d = ((q.astype(np.float64)[:, None, :] - r.astype(np.float64)[None, :, :]) ** 2).sum(-1)
    order = np.argsort(d, axis=1, kind="stable")
    return order


cases = []


def add(name, query, query_labels, reference=None, reference_labels=None, ref_includes_query=False, k=None,
        include=ALL, avg_of_avgs=False, return_per_class=False, note=""):
    calc = AccuracyCalculator(include=include, k=k, avg_of_avgs=avg_of_avgs, return_per_class=return_per_class,
                              device=torch.device("cpu"))
    args = [torch.tensor(query), torch.tensor(query_labels)]
    if reference is not None:
        args += [torch.tensor(reference), torch.tensor(reference_labels)]
        results = calc.get_accuracy(*args, ref_includes_query=ref_includes_query)
    else:
        results = calc.get_accuracy(*args)
    case = {"name": name, "note": note, "k": k, "include": list(include), "avg_of_avgs": avg_of_avgs,
            "return_per_class": return_per_class, "ref_includes_query": ref_includes_query,
            "query": f32list(query), "query_labels": [int(v) for v in query_labels],
            "results": {m: ([float(x) for x in v] if isinstance(v, list) else float(v)) for m, v in results.items()}}
    if reference is not None:
        case["reference"] = f32list(reference)
        case["reference_labels"] = [int(v) for v in reference_labels]
    if "NMI" in include or "AMI" in include:
        clusters = len(np.unique(query_labels))
        case["kmeans_assignments"] = [int(v) for v in FaissKMeans(niter=20)(torch.tensor(query), clusters)]
    cases.append(case)


# Self-retrieval (reference=None): 48 points in 16-D, classes of 14, 10, 9, 7, 5, 2 and 1 (a lone query).
x, y = blobs([14, 10, 9, 7, 5, 2, 1], 16)
add("self_k_all", x, y, note="reference=None, PML's default k=None: every other point is ranked")
add("self_k_max_bin_count", x, y, k="max_bin_count")
add("self_k3", x, y, k=3, note="k below the largest class: MAP@R and R-precision truncated, MAP is MAP@3 over R")
add("self_k1", x, y, k=1, include=KNN, note="k=1: reciprocal rank 0 when the first neighbour misses")
add("self_avg_of_avgs", x, y, k="max_bin_count", avg_of_avgs=True, include=KNN)
add("self_per_class", x, y, k="max_bin_count", return_per_class=True, include=KNN)

# Separate references: 30 queries (labels 0..5, label 5 absent from the references) against 70 references.
xr, yr = blobs([20, 15, 15, 10, 10], 8, spread=1.2)
centers_q = np.stack([xr[yr == c].mean(0) for c in range(5)] + [rng.normal(size=8).astype(np.float32) * 1.5])
yq = np.concatenate([np.repeat(np.arange(5), 5), np.full(5, 5)])
xq = (centers_q[yq] + rng.normal(size=(len(yq), 8)) * 1.2).astype(np.float32)
add("split_k_all", xq, yq, xr, yr, note="query labels 5 are in no reference: lone, left out of k-NN metrics")
add("split_k_max_bin_count", xq, yq, xr, yr, k="max_bin_count")
add("split_k7", xq, yq, xr, yr, k=7, include=KNN)
add("split_avg_of_avgs", xq, yq, xr, yr, k="max_bin_count", avg_of_avgs=True, include=KNN)

# ref_includes_query: the references are the queries followed by more points.
xe, ye = blobs([6, 6, 5, 4, 1], 6)
xa, ya = blobs([8, 7, 3, 9], 6)
ref = np.concatenate([xe, xa]); ref_labels = np.concatenate([ye, ya])
add("includes_query_k_all", xe, ye, ref, ref_labels, ref_includes_query=True)
add("includes_query_k_max_bin_count", xe, ye, ref, ref_labels, ref_includes_query=True, k="max_bin_count")

# Exact ties: integer points on a small grid, many duplicates across and within classes.
grid = rng.integers(0, 3, size=(40, 2)).astype(np.float32)
grid_labels = rng.integers(0, 4, size=40)
add("ties_self_k_all", grid, grid_labels, include=KNN,
    note="integer coordinates: equal distances are exact; faiss orders them by index")
add("ties_self_k4", grid, grid_labels, k=4, include=KNN)
gq = rng.integers(0, 3, size=(12, 2)).astype(np.float32)
gq_labels = rng.integers(0, 4, size=12)
add("ties_split_k5", gq, gq_labels, grid, grid_labels, k=5, include=KNN)

# Larger: 300 points, 10 classes, 8-D; and k-means on a subsample (600 points, 2 clusters > 2 x 256).
xl, yl = blobs([30] * 10, 8, spread=1.3, scale=1.2)
add("larger_k_max_bin_count", xl, yl, k="max_bin_count")
xs, ys = blobs([350, 250], 4, spread=1.5, scale=1.0)
add("kmeans_subsample", xs, ys, include=("NMI", "AMI"), note="600 points, 2 clusters: faiss trains on 512 sampled points")

# The 20 queries of the shared fixture's accuracy_calculator section, self-retrieval, all metrics.
g = torch.Generator().manual_seed(7)
centers = torch.randn(5, 8, generator=g) * 1.5
ref_l = torch.arange(5).repeat_interleave(10)
qry_l = torch.arange(5).repeat_interleave(4)
ref_x = centers[ref_l] + torch.randn(50, 8, generator=g)
qry_x = centers[qry_l] + torch.randn(20, 8, generator=g)
add("shared_split_all_metrics", qry_x.numpy(), qry_l.numpy(), ref_x.numpy(), ref_l.numpy(), k="max_bin_count")

# Check the tie order assumed by the Swift side: faiss's neighbours equal a stable sort of the distances.
for c in cases:
    if not c["name"].startswith("ties"):
        continue
    q = np.array(c["query"], dtype=np.float32)
    r = np.array(c.get("reference", c["query"]), dtype=np.float32)
    index = faiss.IndexFlatL2(2)
    index.add(r)
    _, got = index.search(q, len(r))
    assert (got == knn_stable(q, r, len(r), False)).all(), c["name"]

# faiss k-means where initial centroids coincide (duplicated points), so faiss splits clusters that go empty.
kmeans_cases = []
for name, pts, k in [
    ("duplicates_3", [[1, 1]] * 4 + [[10, 10]] * 4 + [[5, 5]], 3),
    ("duplicates_4", [[1, 2]] * 6 + [[-3, 4]] * 5 + [[7, -1]] * 2 + [[2, 2]], 4),
    ("duplicates_5", [[0.5, 1, 2]] * 10 + [[3, 1, 0]] * 7 + [[1, 1, 1]] * 3 + [[4, 4, 4]], 5),
]:
    x = np.array(pts, dtype=np.float32)
    km = faiss.Kmeans(x.shape[1], k, niter=20)
    km.train(x)
    _, assign = km.index.search(x, 1)
    kmeans_cases.append({"name": name, "points": f32list(x), "clusters": k,
                         "splits": int(sum(s["nsplit"] for s in km.iteration_stats)),
                         "assignments": [int(v) for v in assign[:, 0]], "centroids": f32list(km.centroids)})

# scikit-learn's NMI / AMI of given labellings.
mi_cases = []
for name, a, b in [
    ("random_5x4", rng.integers(0, 5, 200), rng.integers(0, 4, 200)),
    ("correlated", np.repeat(np.arange(6), 20), np.where(rng.random(120) < 0.8, np.repeat(np.arange(6), 20), rng.integers(0, 6, 120))),
    ("identical_relabelled", np.repeat(np.arange(3), 7), np.repeat([2, 0, 1], 7)),
    ("one_cluster", np.repeat(np.arange(3), 5), np.zeros(15, dtype=int)),
    ("both_one_class", np.zeros(9, dtype=int), np.full(9, 4)),
    ("all_singletons", np.arange(12), np.arange(12) // 3),
    ("large_counts", rng.integers(0, 3, 3000), rng.integers(0, 5, 3000)),
]:
    mi_cases.append({"name": name, "a": [int(v) for v in a], "b": [int(v) for v in b],
                     "nmi": float(normalized_mutual_info_score(a, b)), "ami": float(adjusted_mutual_info_score(a, b))})

out = pathlib.Path(__file__).resolve().parents[2] / "Tests/SiameseTestSupport/Fixtures/accuracy_calculator_reference.json"
out.write_text(json.dumps({
    "pytorch_metric_learning": pytorch_metric_learning.__version__, "torch": torch.__version__,
    "faiss": faiss.__version__, "sklearn": sklearn.__version__, "numpy": np.__version__,
    "knn": "FaissKNN (IndexFlatL2), embeddings not normalised; kmeans: FaissKMeans(niter=20)",
    "cases": cases, "kmeans": kmeans_cases, "mutual_information": mi_cases}))
print(out, len(cases), "cases")
