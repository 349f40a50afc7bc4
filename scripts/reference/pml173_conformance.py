"""Conformance cases for the two PyTorch Metric Learning classes SiameseKit takes from PML 1.7.3, because PML 2.x
no longer has them: CentroidTripletLoss and MaximumLossMiner.

PML 1.7.3 must NOT go into the peer venv (that holds PML 2.9 for every other reference). Unpack it beside it:

    ~/.cache/siamese-peers/venv/bin/pip download --no-deps pytorch-metric-learning==1.7.3 -d /tmp/pml173whl
    ~/.cache/siamese-peers/venv/bin/pip install --no-deps --target /tmp/pml173 /tmp/pml173whl/*.whl
    ~/.cache/siamese-peers/venv/bin/python scripts/reference/pml173_conformance.py [/tmp/pml173]

This script puts that folder (argument 1, default /tmp/pml173) FIRST on sys.path, so `import pytorch_metric_learning`
loads 1.7.3, and checks the version. Writes Tests/SiameseTestSupport/Fixtures/pml173_conformance.json.

Losses and gradients are computed in float64 from float32-representable inputs. MaximumLossMiner draws its subsets
with numpy's global generator: the cases record PML's draws (re-drawn under the same seed) with the loss of each, so
the Swift test checks the losses and the choice on the same subsets.

CentroidTripletLoss: PML 1.7.3 groups queries by their position inside their class and slices its triplet indices
with `chunk(len(one_labels))`, which keeps, per query, only the last three other-class centroids (all of them up to
four classes). On balanced batches that is the whole story: the script checks, on every case, that PML's value equals
the formula written out below with the last three centroids (SiameseKit's default, `negatives: pml173`). The paper's
loss over every other class (`negatives: all`) equals PML up to four classes; with more, its reference value is that
formula over all centroids through PML 1.7.3's own distance and reducer (cases marked "reference": "formula").
"""
import json
import os
import sys

PML173 = sys.argv[1] if len(sys.argv) > 1 else "/tmp/pml173"
sys.path.insert(0, PML173)

import numpy as np
import torch
import pytorch_metric_learning
from pytorch_metric_learning import distances, losses, miners, reducers
from pytorch_metric_learning.utils import common_functions as c_f

assert pytorch_metric_learning.__version__ == "1.7.3", (pytorch_metric_learning.__version__, pytorch_metric_learning.__file__)
torch.set_num_threads(2)
torch.use_deterministic_algorithms(True)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "Tests", "SiameseTestSupport", "Fixtures", "pml173_conformance.json")

# ---- inputs -------------------------------------------------------------------------------------------------
g = torch.Generator().manual_seed(173)


def batch(classes, per_class, dim):
    labels = torch.arange(classes).repeat_interleave(per_class)
    labels = labels[torch.randperm(len(labels), generator=g)] * 3 + 1     # labels need not be 0..P-1
    return torch.randn(len(labels), dim, generator=g), labels


BATCHES = {"P4M3": batch(4, 3, 8), "P3M4": batch(3, 4, 8), "P2M5": batch(2, 5, 6), "A": batch(6, 5, 16)}
BATCHES["P8M3"] = batch(8, 3, 8)
ENV = dict(losses=losses, miners=miners, distances=distances, reducers=reducers)


def tolist(t):
    return t.detach().double().tolist()


def f64(t):
    return t.detach().to(torch.float64)


cases = []


def add(rec):
    assert not any(c["name"] == rec["name"] for c in cases), rec["name"]
    cases.append(rec)
    print(f"{rec['kind']:8s} {rec['name']:50s} {rec.get('value', '')}")


# ---- CentroidTripletLoss ------------------------------------------------------------------------------------
def paper_form(emb, lab, loss_fn, last_three=False):
    """The formula SiameseKit computes, written out: per query, its class prototype without it against every other
    class centroid (or only the last three, in order of first appearance), through PML's own distance, margin and
    reducer."""
    d, inner = loss_fn.distance, loss_fn.triplet_loss
    classes = list(dict.fromkeys(lab.tolist()))
    cent = torch.stack([emb[lab == c].mean(0) for c in classes])
    values = []
    for i in range(len(lab)):
        others = [j for j in range(len(lab)) if lab[j] == lab[i] and j != i]
        proto = emb[others].mean(0, keepdim=True)
        negatives = [k for k, c in enumerate(classes) if c != int(lab[i])]
        for k in negatives[-3:] if last_three else negatives:
            ap = d(emb[i:i + 1], proto)[0, 0]
            an = d(emb[i:i + 1], cent[k:k + 1])[0, 0]
            if inner.swap:
                an = d.smallest_dist(an, d(proto, cent[k:k + 1])[0, 0])
            v = d.margin(ap, an) + inner.margin
            values.append(torch.nn.functional.softplus(v) if inner.smooth_loss else torch.relu(v))
    values = torch.stack(values)
    if isinstance(loss_fn.reducer, reducers.MeanReducer):
        return values.mean()
    nz = values[values > 0]
    return nz.mean() if len(nz) else values.sum() * 0


def centroid_case(name, pml, ours, batch_name, tol=1e-5, every_class=False):
    """PML's value and gradient; with `every_class` (more than four classes, `negatives: all`) the formula's over every
    other class centroid through PML's distance and reducer, which PML itself does not compute."""
    emb32, lab = BATCHES[batch_name]
    loss_fn = eval(pml, ENV).to(torch.float64)
    emb = f64(emb32).requires_grad_(True)
    loss = loss_fn(emb, lab)
    assert abs(float(paper_form(f64(emb32), lab, loss_fn, last_three=True)) - float(loss)) < 1e-12, name
    if len(set(lab.tolist())) <= 4:
        assert abs(float(paper_form(f64(emb32), lab, loss_fn)) - float(loss)) < 1e-12, name
    rec = {"name": name, "kind": "loss", "batch": batch_name, "pml": pml, "loss": ours, "loss_tolerance": tol}
    if every_class:
        loss = paper_form(emb, lab, loss_fn)
        rec["reference"] = "formula"
    loss.backward()
    rec.update({"value": float(loss), "grad": tolist(emb.grad)})
    add(rec)


centroid_case("CentroidTriplet_defaults", "losses.CentroidTripletLoss()", "centroid-triplet", "P4M3")
centroid_case("CentroidTriplet_defaults_P3M4", "losses.CentroidTripletLoss()", "centroid-triplet", "P3M4")
centroid_case("CentroidTriplet_defaults_P2M5", "losses.CentroidTripletLoss()", "centroid-triplet", "P2M5")
centroid_case("CentroidTriplet_m0.3_swap", "losses.CentroidTripletLoss(margin=0.3, swap=True)",
              {"name": "centroid-triplet", "margin": 0.3, "swap": True}, "P4M3")
centroid_case("CentroidTriplet_smooth", "losses.CentroidTripletLoss(smooth_loss=True)",
              {"name": "centroid-triplet", "smoothLoss": True}, "P3M4")
centroid_case("CentroidTriplet_cosine_m0.2_swap", "losses.CentroidTripletLoss(margin=0.2, swap=True, distance=distances.CosineSimilarity())",
              {"name": "centroid-triplet", "margin": 0.2, "swap": True, "distance": "cosine-similarity"}, "P4M3")
centroid_case("CentroidTriplet_unnormalized_L2_mean_reducer",
              "losses.CentroidTripletLoss(margin=1.0, distance=distances.LpDistance(normalize_embeddings=False), reducer=reducers.MeanReducer())",
              {"name": "centroid-triplet", "margin": 1.0, "distance": {"name": "lp-distance", "normalizeEmbeddings": False}, "reducer": "mean"},
              "P3M4")

# More than four classes: PML keeps the last three other-class centroids per query (the default, pml173) ...
centroid_case("CentroidTriplet_defaults_P6M5", "losses.CentroidTripletLoss()", "centroid-triplet", "A")
centroid_case("CentroidTriplet_m0.2_swap_P8M3", "losses.CentroidTripletLoss(margin=0.2, swap=True)",
              {"name": "centroid-triplet", "margin": 0.2, "swap": True}, "P8M3")
# ... and the paper's loss over every other class (negatives: all).
centroid_case("CentroidTriplet_all_negatives_P4M3", "losses.CentroidTripletLoss()",
              {"name": "centroid-triplet", "negatives": "all"}, "P4M3")
centroid_case("CentroidTriplet_all_negatives_P8M3", "losses.CentroidTripletLoss()",
              {"name": "centroid-triplet", "negatives": "all"}, "P8M3", every_class=True)


# ---- MaximumLossMiner ---------------------------------------------------------------------------------------
def maximum_loss_case(name, loss_src, miner_src, output, trials, ours, seed, batch_name="A"):
    emb32, lab = BATCHES[batch_name]
    emb = f64(emb32)
    src = f"miners.MaximumLossMiner(loss={loss_src}, miner={miner_src}, output_batch_size={output}, num_trials={trials})"
    m = eval(src, ENV)
    np.random.seed(seed)
    chosen = m(emb, lab)
    np.random.seed(seed)
    candidates = [c_f.NUMPY_RANDOM.choice(len(emb), size=output, replace=False).tolist() for _ in range(trials)]
    loss_fn, inner = eval(loss_src, ENV), eval(miner_src, ENV) if miner_src else None
    values = []
    for rows in candidates:
        x, y = emb[rows], lab[rows]
        values.append(float(loss_fn(x, y, inner(x, y) if inner else None)))
    best = int(np.argmax(values))
    assert chosen.tolist() == candidates[best] and abs(m.max_loss - values[best]) < 1e-12, name
    runner_up = sorted(values)[-2]
    assert values[best] - runner_up > 1e-4 * abs(values[best]), f"{name}: the best two subsets are too close to tell apart"
    add({"name": name, "kind": "maximum-loss", "batch": batch_name, "pml_miner": src, "miner": ours, "seed": seed,
         "candidates": candidates, "losses": values, "chosen": best, "loss_tolerance": 1e-5})


maximum_loss_case("MaximumLoss_TripletMargin", "losses.TripletMarginLoss()", None, 12, 5,
                  {"name": "maximum-loss", "loss": "triplet-margin", "outputBatchSize": 12}, seed=0)
maximum_loss_case("MaximumLoss_Contrastive_MultiSimilarityMiner_8_trials", "losses.ContrastiveLoss()",
                  "miners.MultiSimilarityMiner()", 16, 8,
                  {"name": "maximum-loss", "loss": "contrastive", "miner": "multi-similarity", "outputBatchSize": 16, "numTrials": 8},
                  seed=1)
maximum_loss_case("MaximumLoss_TripletMargin_semihard_3_trials", "losses.TripletMarginLoss(margin=0.2)",
                  "miners.TripletMarginMiner(margin=0.2, type_of_triplets='semihard')", 20, 3,
                  {"name": "maximum-loss", "loss": {"name": "triplet-margin", "margin": 0.2},
                   "miner": {"name": "triplet-margin", "margin": 0.2, "kind": "semihard"}, "outputBatchSize": 20, "numTrials": 3},
                  seed=2)
maximum_loss_case("MaximumLoss_MultiSimilarity", "losses.MultiSimilarityLoss()", None, 10, 6,
                  {"name": "maximum-loss", "loss": "multi-similarity", "outputBatchSize": 10, "numTrials": 6}, seed=3)

out = {
    "library": "pytorch-metric-learning", "version": pytorch_metric_learning.__version__, "torch": torch.__version__,
    "generator": "scripts/reference/pml173_conformance.py",
    "inputs": {k: {"embeddings": tolist(e), "labels": l.tolist()} for k, (e, l) in BATCHES.items()},
    "notes": [
        "PML 1.7.3 loaded from a folder first on sys.path (not the peer venv, which holds PML 2.9)",
        "values and gradients in float64 from the float32 inputs",
        "centroid-triplet cases with reference 'formula': the paper's loss over every other class through PML 1.7.3's distance and reducer (PML keeps the last three centroids)",
        "maximum-loss: PML's candidate subsets (numpy seed), the loss of each, and the index it chose",
    ],
    "cases": cases,
}


def rounded(x):
    if isinstance(x, float):
        return float(f"{x:.12g}")
    if isinstance(x, list):
        return [rounded(v) for v in x]
    if isinstance(x, dict):
        return {k: rounded(v) for k, v in x.items()}
    return x


with open(OUT, "w") as f:
    json.dump(rounded(out), f, separators=(",", ":"))
print(len(cases), "cases ->", os.path.normpath(OUT))
