"""Conformance cases for every PyTorch Metric Learning class SiameseKit names: losses, miners, reducers,
distances, regularisers, CrossBatchMemory.

Run in the peer venv (`~/.cache/siamese-peers/venv/bin/python scripts/reference/pml_conformance_all.py`);
writes Tests/SiameseTestSupport/Fixtures/pml_conformance_all.json.

Every case names the PML constructor (Python source, evaluated here) and the SiameseKit registry spec that is
meant to compute the same thing (decoded by the Swift test through `Losses.registry`, `Miners.registry`, ...).
Losses, gradients and regulariser values are computed in float64 from float32-representable inputs, so the
reference is exact to ~1e-15 and the Swift float32 result is checked at the shared tolerances
(../shared/fixtures/README.md). Miner outputs are computed in float32 *and* float64 and a case is only kept
when both agree (so no tuple sits on a rounding boundary).
"""
import json
import os
import sys

import numpy as np
import torch
import pytorch_metric_learning
from pytorch_metric_learning import distances, losses, miners, reducers, regularizers
from pytorch_metric_learning.utils import loss_and_miner_utils as lmu

torch.set_num_threads(2)
torch.use_deterministic_algorithms(True)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "Tests", "SiameseTestSupport", "Fixtures", "pml_conformance_all.json")

# ---- inputs -------------------------------------------------------------------------------------------------
torch.manual_seed(0)
A_EMB = torch.randn(32, 16)                     # the batch of ../shared/fixtures/pml_conformance.json
A_LAB = torch.randperm(32) % 8
g = torch.Generator().manual_seed(11)
# Batch B: unequal classes, one singleton class (anchors without positives), 8-d.
B_LAB = torch.tensor([0, 1, 2, 0, 3, 1, 4, 2, 0, 5, 1, 3, 0, 2, 6, 1, 4, 0, 3, 2])
B_EMB = torch.randn(20, 8, generator=g)
# Memory stream for CrossBatchMemory: three batches of 12, 8-d, labels 0..5.
C_EMB = [torch.randn(12, 8, generator=g) for _ in range(3)]
C_LAB = [torch.randint(0, 6, (12,), generator=g) for _ in range(3)]
BATCHES = {"A": (A_EMB, A_LAB), "B": (B_EMB, B_LAB)}


def tolist(t):
    return t.detach().double().tolist()


def f64(t):
    return t.detach().to(torch.float64)


cases = []


def add(rec):
    assert not any(c["name"] == rec["name"] for c in cases), rec["name"]
    cases.append(rec)
    v = rec.get("value")
    print(f"{rec['kind']:11s} {rec['name']:60s} {'' if v is None else f'{v:.10f}'}")


# ---- losses (with optional miners) ---------------------------------------------------------------------------
LEARNED = {"W", "proxies"}


def loss_case(name, pml, ours, pml_miner=None, miner=None, batch="A", tol=1e-5, num_classes=8, emb_size=None,
              note=None):
    emb32, lab = BATCHES[batch]
    emb_size = emb_size or emb32.shape[1]
    env = dict(losses=losses, miners=miners, distances=distances, reducers=reducers, regularizers=regularizers,
               C=num_classes, D=emb_size)
    torch.manual_seed(1234)
    loss_fn = eval(pml, env).to(torch.float64)
    miner_fn = eval(pml_miner, env) if pml_miner else None
    params = {n: tolist(p) for n, p in loss_fn.named_parameters()}
    emb = f64(emb32).requires_grad_(True)
    rec = {"name": name, "kind": "loss", "batch": batch, "pml": pml, "pml_miner": pml_miner, "loss": ours,
           "miner": miner, "loss_tolerance": tol}
    if note:
        rec["note"] = note
    if miner_fn is not None:
        idx = miner_fn(emb, lab)
        idx32 = miner_fn(emb32, lab)
        assert tuple_set(idx) == tuple_set(idx32), f"{name}: miner output depends on the precision"
        rec["mined"] = [t.tolist() for t in idx]
        loss = loss_fn(emb, lab, idx)
    else:
        loss = loss_fn(emb, lab)
    loss.backward()
    rec["value"] = float(loss.item())
    rec["grad"] = tolist(emb.grad)
    if params:
        rec["parameters"] = params
        rec["parameter_grads"] = {n: tolist(p.grad) for n, p in loss_fn.named_parameters() if p.grad is not None}
    add(rec)


def tuple_set(idx):
    lists = [t.tolist() for t in idx]
    if len(lists) == 4:
        return set(zip(lists[0], lists[1])), set(zip(lists[2], lists[3]))
    return set(zip(*lists))


L2 = {"name": "lp-distance"}
COS = "cosine-similarity"

# Contrastive
loss_case("Contrastive_defaults", "losses.ContrastiveLoss()", "contrastive")
loss_case("Contrastive_pos0.25_neg1.5", "losses.ContrastiveLoss(pos_margin=0.25, neg_margin=1.5)",
          {"name": "contrastive", "posMargin": 0.25, "negMargin": 1.5})
loss_case("Contrastive_unnormalized_L2", "losses.ContrastiveLoss(neg_margin=4, distance=distances.LpDistance(normalize_embeddings=False))",
          {"name": "contrastive", "negMargin": 4, "distance": {"name": "lp-distance", "normalizeEmbeddings": False}})
loss_case("Contrastive_cosine", "losses.ContrastiveLoss(pos_margin=0.9, neg_margin=0.3, distance=distances.CosineSimilarity())",
          {"name": "contrastive", "posMargin": 0.9, "negMargin": 0.3, "distance": COS})
loss_case("Contrastive_mean_reducer", "losses.ContrastiveLoss(reducer=reducers.MeanReducer())",
          {"name": "contrastive", "reducer": "mean"})
loss_case("Contrastive_sum_reducer", "losses.ContrastiveLoss(reducer=reducers.SumReducer())",
          {"name": "contrastive", "reducer": "sum"})
loss_case("Contrastive_threshold_reducer", "losses.ContrastiveLoss(reducer=reducers.ThresholdReducer(low=0.1, high=1.2))",
          {"name": "contrastive", "reducer": {"name": "threshold", "low": 0.1, "high": 1.2}})
loss_case("Contrastive_per_anchor_reducer", "losses.ContrastiveLoss(reducer=reducers.PerAnchorReducer())",
          {"name": "contrastive", "reducer": "per-anchor"}, batch="B")
loss_case("Contrastive_PairMarginMiner_per_anchor_reducer", "losses.ContrastiveLoss(reducer=reducers.PerAnchorReducer())",
          {"name": "contrastive", "reducer": "per-anchor"}, "miners.PairMarginMiner()", "pair-margin")
loss_case("Contrastive_PairMarginMiner", "losses.ContrastiveLoss()", "contrastive",
          "miners.PairMarginMiner()", "pair-margin")
loss_case("Contrastive_MultiSimilarityMiner", "losses.ContrastiveLoss()", "contrastive",
          "miners.MultiSimilarityMiner(epsilon=0.2)", {"name": "multi-similarity", "epsilon": 0.2})
loss_case("Contrastive_batchB", "losses.ContrastiveLoss(pos_margin=0.1, neg_margin=1.2)",
          {"name": "contrastive", "posMargin": 0.1, "negMargin": 1.2}, batch="B")

# TripletMargin
loss_case("TripletMargin_defaults", "losses.TripletMarginLoss()", "triplet-margin")
loss_case("TripletMargin_m0.2", "losses.TripletMarginLoss(margin=0.2)", {"name": "triplet-margin", "margin": 0.2})
loss_case("TripletMargin_smooth", "losses.TripletMarginLoss(margin=0.1, smooth_loss=True)",
          {"name": "triplet-margin", "margin": 0.1, "smoothLoss": True})
loss_case("TripletMargin_L1_unnormalized", "losses.TripletMarginLoss(margin=1, distance=distances.LpDistance(p=1, normalize_embeddings=False))",
          {"name": "triplet-margin", "margin": 1, "distance": {"name": "lp-distance", "p": 1, "normalizeEmbeddings": False}})
loss_case("TripletMargin_squared_L2", "losses.TripletMarginLoss(margin=0.3, distance=distances.LpDistance(power=2))",
          {"name": "triplet-margin", "margin": 0.3, "distance": {"name": "lp-distance", "power": 2}})
loss_case("TripletMargin_cosine", "losses.TripletMarginLoss(margin=0.1, distance=distances.CosineSimilarity())",
          {"name": "triplet-margin", "margin": 0.1, "distance": COS})
loss_case("TripletMargin_dot_unnormalized", "losses.TripletMarginLoss(margin=0.5, distance=distances.DotProductSimilarity(normalize_embeddings=False))",
          {"name": "triplet-margin", "margin": 0.5, "distance": {"name": "dot-product-similarity", "normalizeEmbeddings": False}})
loss_case("TripletMargin_mean_reducer", "losses.TripletMarginLoss(margin=0.2, reducer=reducers.MeanReducer())",
          {"name": "triplet-margin", "margin": 0.2, "reducer": "mean"})
loss_case("TripletMargin_semihard", "losses.TripletMarginLoss(margin=0.2)", {"name": "triplet-margin", "margin": 0.2},
          "miners.TripletMarginMiner(margin=0.2, type_of_triplets='semihard')", {"name": "triplet-margin", "margin": 0.2, "kind": "semihard"})
loss_case("TripletMargin_hard", "losses.TripletMarginLoss(margin=0.2)", {"name": "triplet-margin", "margin": 0.2},
          "miners.TripletMarginMiner(margin=0.2, type_of_triplets='hard')", {"name": "triplet-margin", "margin": 0.2, "kind": "hard"})
loss_case("TripletMargin_easy_cosine", "losses.TripletMarginLoss(margin=1.0)", {"name": "triplet-margin", "margin": 1.0},
          "miners.TripletMarginMiner(margin=0.1, type_of_triplets='easy', distance=distances.CosineSimilarity())",
          {"name": "triplet-margin", "margin": 0.1, "kind": "easy", "distance": COS})
loss_case("TripletMargin_all_miner_L1", "losses.TripletMarginLoss(margin=0.2)", {"name": "triplet-margin", "margin": 0.2},
          "miners.TripletMarginMiner(margin=0.3, type_of_triplets='all', distance=distances.LpDistance(p=1))",
          {"name": "triplet-margin", "margin": 0.3, "kind": "all", "distance": {"name": "lp-distance", "p": 1}})
loss_case("TripletMargin_BatchHardMiner", "losses.TripletMarginLoss(margin=0.2)", {"name": "triplet-margin", "margin": 0.2},
          "miners.BatchHardMiner()", "batch-hard")
loss_case("TripletMargin_BatchHardMiner_cosine", "losses.TripletMarginLoss(margin=0.2)", {"name": "triplet-margin", "margin": 0.2},
          "miners.BatchHardMiner(distance=distances.CosineSimilarity())", {"name": "batch-hard", "distance": COS})
loss_case("TripletMargin_batchB", "losses.TripletMarginLoss(margin=0.1)", {"name": "triplet-margin", "margin": 0.1}, batch="B")
loss_case("TripletMargin_PairMarginMiner", "losses.TripletMarginLoss(margin=0.1)", {"name": "triplet-margin", "margin": 0.1},
          "miners.PairMarginMiner(pos_margin=0.5, neg_margin=1.0)", {"name": "pair-margin", "posMargin": 0.5, "negMargin": 1.0})

# Margin (Wu et al.), PML form: triplets, DivisorReducer over the non-zero pair terms.
loss_case("Margin_defaults", "losses.MarginLoss()", "margin")
loss_case("Margin_m0.1_beta1.0", "losses.MarginLoss(margin=0.1, beta=1.0)", {"name": "margin", "margin": 0.1, "beta": 1.0})
loss_case("Margin_BatchHardMiner", "losses.MarginLoss()", "margin", "miners.BatchHardMiner()", "batch-hard")
loss_case("Margin_batchB", "losses.MarginLoss(beta=1.1)", {"name": "margin", "beta": 1.1}, batch="B")

# LiftedStructure, PML form.
loss_case("LiftedStructure_defaults", "losses.LiftedStructureLoss()", "lifted-structure")
loss_case("LiftedStructure_neg0.8_pos0.1", "losses.LiftedStructureLoss(neg_margin=0.8, pos_margin=0.1)",
          {"name": "lifted-structure", "negMargin": 0.8, "posMargin": 0.1})
loss_case("LiftedStructure_MultiSimilarityMiner", "losses.LiftedStructureLoss()", "lifted-structure",
          "miners.MultiSimilarityMiner()", "multi-similarity")

# Angular
loss_case("Angular_defaults", "losses.AngularLoss()", "angular")
loss_case("Angular_alpha35", "losses.AngularLoss(alpha=35)", {"name": "angular", "alphaDegrees": 35})
loss_case("Angular_alpha35_PML_name", "losses.AngularLoss(alpha=35)", {"name": "angular", "alpha": 35}, batch="B")
loss_case("Angular_batchB", "losses.AngularLoss()", "angular", batch="B")
loss_case("Angular_BatchHardMiner", "losses.AngularLoss()", "angular", "miners.BatchHardMiner()", "batch-hard")

# Circle
loss_case("Circle_defaults", "losses.CircleLoss()", "circle", tol=1e-4)
loss_case("Circle_m0.25_gamma32", "losses.CircleLoss(m=0.25, gamma=32)", {"name": "circle", "m": 0.25, "gamma": 32}, tol=1e-4)
loss_case("Circle_MultiSimilarityMiner", "losses.CircleLoss()", "circle", "miners.MultiSimilarityMiner()", "multi-similarity", tol=1e-4)

# MultiSimilarity
loss_case("MultiSimilarity_defaults", "losses.MultiSimilarityLoss()", "multi-similarity")
loss_case("MultiSimilarity_a1_b40_base0.6", "losses.MultiSimilarityLoss(alpha=1, beta=40, base=0.6)",
          {"name": "multi-similarity", "alpha": 1, "beta": 40, "base": 0.6})
loss_case("MultiSimilarity_miner", "losses.MultiSimilarityLoss()", "multi-similarity",
          "miners.MultiSimilarityMiner()", "multi-similarity")
loss_case("MultiSimilarity_batchB", "losses.MultiSimilarityLoss()", "multi-similarity", batch="B")

# NPairs
loss_case("NPairs_defaults", "losses.NPairsLoss()", "n-pairs")
loss_case("NPairs_cosine", "losses.NPairsLoss(distance=distances.CosineSimilarity())", {"name": "n-pairs", "distance": COS})
loss_case("NPairs_batchB", "losses.NPairsLoss()", "n-pairs", batch="B")

# NTXent
loss_case("NTXent_defaults", "losses.NTXentLoss()", "nt-xent")
loss_case("NTXent_t0.5", "losses.NTXentLoss(temperature=0.5)", {"name": "nt-xent", "temperature": 0.5})
loss_case("NTXent_PairMarginMiner", "losses.NTXentLoss(temperature=0.2)", {"name": "nt-xent", "temperature": 0.2},
          "miners.PairMarginMiner(pos_margin=0.5, neg_margin=1.2)", {"name": "pair-margin", "posMargin": 0.5, "negMargin": 1.2})
loss_case("NTXent_batchB", "losses.NTXentLoss(temperature=0.1)", {"name": "nt-xent", "temperature": 0.1}, batch="B")

# SupCon
loss_case("SupCon_defaults", "losses.SupConLoss()", "sup-con")
loss_case("SupCon_t0.5", "losses.SupConLoss(temperature=0.5)", {"name": "sup-con", "temperature": 0.5})
loss_case("SupCon_MultiSimilarityMiner", "losses.SupConLoss()", "sup-con", "miners.MultiSimilarityMiner()", "multi-similarity")
loss_case("SupCon_batchB", "losses.SupConLoss()", "sup-con", batch="B")

# Learned weights
loss_case("ArcFace_defaults", "losses.ArcFaceLoss(num_classes=C, embedding_size=D)", "arc-face", tol=1e-4)
loss_case("ArcFace_m20_s16", "losses.ArcFaceLoss(num_classes=C, embedding_size=D, margin=20, scale=16)",
          {"name": "arc-face", "margin": 20, "scale": 16}, tol=1e-4)
loss_case("ArcFace_m20_s16_marginRadians", "losses.ArcFaceLoss(num_classes=C, embedding_size=D, margin=20, scale=16)",
          {"name": "arc-face", "marginRadians": float(np.radians(20)), "scale": 16}, tol=1e-4)
loss_case("SubCenterArcFace_m20_s32_k2", "losses.SubCenterArcFaceLoss(num_classes=C, embedding_size=D, margin=20, scale=32, sub_centers=2)",
          {"name": "sub-center-arc-face", "margin": 20, "scale": 32, "subCenters": 2}, tol=1e-4)
loss_case("TupletMargin_margin10_PML_name", "losses.TupletMarginLoss(margin=10, scale=32)",
          {"name": "tuplet-margin", "margin": 10, "scale": 32}, tol=1e-4)
loss_case("CosFace_defaults", "losses.CosFaceLoss(num_classes=C, embedding_size=D)", "cos-face", tol=1e-4)
loss_case("CosFace_m0.2_s30", "losses.CosFaceLoss(num_classes=C, embedding_size=D, margin=0.2, scale=30)",
          {"name": "cos-face", "margin": 0.2, "scale": 30}, tol=1e-4)
loss_case("ProxyAnchor_defaults", "losses.ProxyAnchorLoss(num_classes=C, embedding_size=D)", "proxy-anchor", tol=1e-4)
loss_case("ProxyAnchor_m0.2_a16", "losses.ProxyAnchorLoss(num_classes=C, embedding_size=D, margin=0.2, alpha=16)",
          {"name": "proxy-anchor", "margin": 0.2, "alpha": 16}, tol=1e-4)
loss_case("ProxyAnchor_batchB", "losses.ProxyAnchorLoss(num_classes=C, embedding_size=D)", "proxy-anchor", batch="B", tol=1e-4)
loss_case("ProxyNCA_defaults", "losses.ProxyNCALoss(num_classes=C, embedding_size=D)", "proxy-nca")
loss_case("ProxyNCA_scale4", "losses.ProxyNCALoss(num_classes=C, embedding_size=D, softmax_scale=4)",
          {"name": "proxy-nca", "softmaxScale": 4})

# ---- miners on their own --------------------------------------------------------------------------------------
def miner_case(name, pml, ours, batch="A", note=None):
    emb32, lab = BATCHES[batch]
    env = dict(miners=miners, distances=distances)
    m = eval(pml, env)
    out64 = m(f64(emb32), lab)
    out32 = m(emb32, lab)
    assert tuple_set(out64) == tuple_set(out32), f"{name}: depends on the precision"
    rec = {"name": name, "kind": "miner", "batch": batch, "pml_miner": pml, "miner": ours,
           "mined": [t.tolist() for t in out64]}
    if note:
        rec["note"] = note
    add(rec)


miner_case("BatchHardMiner_batchB", "miners.BatchHardMiner()", "batch-hard", batch="B")
miner_case("BatchHardMiner_L1", "miners.BatchHardMiner(distance=distances.LpDistance(p=1, normalize_embeddings=False))",
           {"name": "batch-hard", "distance": {"name": "lp-distance", "p": 1, "normalizeEmbeddings": False}})
miner_case("MultiSimilarityMiner_defaults", "miners.MultiSimilarityMiner()", "multi-similarity")
miner_case("MultiSimilarityMiner_L2_eps0.05", "miners.MultiSimilarityMiner(epsilon=0.05, distance=distances.LpDistance())",
           {"name": "multi-similarity", "epsilon": 0.05, "distance": "lp-distance"})
miner_case("MultiSimilarityMiner_batchB", "miners.MultiSimilarityMiner()", "multi-similarity", batch="B")
miner_case("PairMarginMiner_defaults", "miners.PairMarginMiner()", "pair-margin")
miner_case("PairMarginMiner_cosine", "miners.PairMarginMiner(pos_margin=0.6, neg_margin=0.2, distance=distances.CosineSimilarity())",
           {"name": "pair-margin", "posMargin": 0.6, "negMargin": 0.2, "distance": COS})
miner_case("TripletMarginMiner_defaults", "miners.TripletMarginMiner()", "triplet-margin")
miner_case("TripletMarginMiner_semihard_batchB", "miners.TripletMarginMiner(margin=0.3, type_of_triplets='semihard')",
           {"name": "triplet-margin", "margin": 0.3, "kind": "semihard"}, batch="B")

# ---- distances: matrix and gradient of <matrix, R> for a fixed R ---------------------------------------------
def distance_case(name, pml, ours, batch="B", ref=False):
    emb32, _ = BATCHES[batch]
    d = eval(pml, dict(distances=distances))
    x = f64(emb32).requires_grad_(True)
    y = f64(emb32[:7] * 1.5 + 0.1).requires_grad_(True) if ref else None
    mat = d(x, y) if ref else d(x)
    gr = torch.Generator().manual_seed(5)
    weights = torch.randn(mat.shape, generator=gr, dtype=torch.float64)
    (mat * weights).sum().backward()
    rec = {"name": name, "kind": "distance", "batch": batch, "pml": pml, "distance": ours,
           "matrix": tolist(mat), "weights": tolist(weights), "grad": tolist(x.grad), "loss_tolerance": 1e-5}
    if ref:
        rec["reference"] = tolist(y)
        rec["reference_grad"] = tolist(y.grad)
    add(rec)


distance_case("LpDistance_defaults", "distances.LpDistance()", "lp-distance")
distance_case("LpDistance_p1_unnormalized", "distances.LpDistance(p=1, normalize_embeddings=False)",
              {"name": "lp-distance", "p": 1, "normalizeEmbeddings": False})
distance_case("LpDistance_power2", "distances.LpDistance(power=2)", {"name": "lp-distance", "power": 2})
distance_case("LpDistance_p3_power0.5_unnormalized", "distances.LpDistance(p=3, power=0.5, normalize_embeddings=False)",
              {"name": "lp-distance", "p": 3, "power": 0.5, "normalizeEmbeddings": False})
distance_case("LpDistance_unnormalized_reference", "distances.LpDistance(normalize_embeddings=False)",
              {"name": "lp-distance", "normalizeEmbeddings": False}, ref=True)
distance_case("CosineSimilarity", "distances.CosineSimilarity()", COS)
distance_case("CosineSimilarity_reference", "distances.CosineSimilarity()", COS, ref=True)
distance_case("DotProductSimilarity", "distances.DotProductSimilarity()", "dot-product-similarity")
distance_case("DotProductSimilarity_unnormalized", "distances.DotProductSimilarity(normalize_embeddings=False)",
              {"name": "dot-product-similarity", "normalizeEmbeddings": False})

# ---- NEW ----
# Miners added with issue 13.
miner_case("BatchEasyHardMiner_defaults", "miners.BatchEasyHardMiner()", "batch-easy-hard")
miner_case("BatchEasyHardMiner_hard_hard_cosine", "miners.BatchEasyHardMiner(pos_strategy='hard', neg_strategy='hard', distance=distances.CosineSimilarity())",
           {"name": "batch-easy-hard", "positiveStrategy": "hard", "negativeStrategy": "hard", "distance": COS})
miner_case("BatchEasyHardMiner_semihard_hard", "miners.BatchEasyHardMiner(pos_strategy='semihard', neg_strategy='hard')",
           {"name": "batch-easy-hard", "positiveStrategy": "semihard", "negativeStrategy": "hard"})
miner_case("BatchEasyHardMiner_easy_easy_batchB", "miners.BatchEasyHardMiner(pos_strategy='easy', neg_strategy='easy')",
           {"name": "batch-easy-hard", "positiveStrategy": "easy", "negativeStrategy": "easy"}, batch="B")
miner_case("BatchEasyHardMiner_all_hard", "miners.BatchEasyHardMiner(pos_strategy='all', neg_strategy='hard')",
           {"name": "batch-easy-hard", "positiveStrategy": "all", "negativeStrategy": "hard"})
miner_case("BatchEasyHardMiner_easy_all_cosine", "miners.BatchEasyHardMiner(pos_strategy='easy', neg_strategy='all', distance=distances.CosineSimilarity())",
           {"name": "batch-easy-hard", "positiveStrategy": "easy", "negativeStrategy": "all", "distance": COS})
miner_case("BatchEasyHardMiner_hard_semihard_ranges", "miners.BatchEasyHardMiner(pos_strategy='hard', neg_strategy='semihard', allowed_pos_range=(0.2, 1.2), allowed_neg_range=(0.9, 1.6))",
           {"name": "batch-easy-hard", "positiveStrategy": "hard", "negativeStrategy": "semihard",
            "allowedPositiveRange": [0.2, 1.2], "allowedNegativeRange": [0.9, 1.6]})
def hdc_gap(pml, batch):
    """HDC keeps the top k pairs: the k-th and (k+1)-th values must be apart (no tie to break)."""
    emb32, lab = BATCHES[batch]
    m = eval(pml, dict(miners=miners, distances=distances))
    mat = m.distance(f64(emb32))
    a1, p, a2, n = lmu.get_all_pairs_indices(lab)
    for rows, others, largest in ((a1, p, not m.distance.is_inverted), (a2, n, m.distance.is_inverted)):
        v = mat[rows, others].sort(descending=largest).values
        k = int(np.ceil(m.filter_percentage * len(v)))
        assert k == len(v) or abs(float(v[k - 1] - v[k])) > 1e-5, (pml, k, float(v[k - 1]), float(v[k]))


for src, b in (("miners.HDCMiner()", "A"), ("miners.HDCMiner(filter_percentage=0.25, distance=distances.CosineSimilarity())", "A"),
               ("miners.HDCMiner()", "B")):
    hdc_gap(src, b)
miner_case("HDCMiner_defaults", "miners.HDCMiner()", "hdc")
miner_case("HDCMiner_0.25_cosine", "miners.HDCMiner(filter_percentage=0.25, distance=distances.CosineSimilarity())",
           {"name": "hdc", "filterPercentage": 0.25, "distance": COS})
miner_case("HDCMiner_batchB", "miners.HDCMiner()", "hdc", batch="B")
miner_case("AngularMiner_defaults", "miners.AngularMiner()", "angular")
miner_case("AngularMiner_35_batchB", "miners.AngularMiner(angle=35)", {"name": "angular", "angleDegrees": 35}, batch="B")
miner_case("AngularMiner_30_PML_name", "miners.AngularMiner(angle=30)", {"name": "angular", "angle": 30})
loss_case("TripletMargin_BatchEasyHardMiner", "losses.TripletMarginLoss(margin=0.2)", {"name": "triplet-margin", "margin": 0.2},
          "miners.BatchEasyHardMiner(pos_strategy='hard', neg_strategy='semihard')",
          {"name": "batch-easy-hard", "positiveStrategy": "hard", "negativeStrategy": "semihard"})
loss_case("Contrastive_HDCMiner", "losses.ContrastiveLoss()", "contrastive", "miners.HDCMiner()", "hdc")
loss_case("Angular_AngularMiner", "losses.AngularLoss()", "angular", "miners.AngularMiner()", "angular")


def histogram_case(name, pml, ours, batch="A"):
    """UniformHistogramMiner draws at random: record the bins (edges in float64) and how many pairs each
    non-empty bin gives; the test bins its own draw with these edges."""
    emb32, lab = BATCHES[batch]
    env = dict(miners=miners, distances=distances)
    m = eval(pml, env)
    emb = f64(emb32)
    mat = m.distance(emb)
    a1, p, a2, n = lmu.get_all_pairs_indices(lab)
    rec = {"name": name, "kind": "histogram", "batch": batch, "pml_miner": pml, "miner": ours, "bins": {}}
    for key, (rows, others, per_bin) in {"pos": (a1, p, m.pos_per_bin), "neg": (a2, n, m.neg_per_bin)}.items():
        values = mat[rows, others]
        edges = m.get_bins(values)
        nonempty = []
        for i in range(len(edges) - 1):
            lo, hi = edges[i], edges[i + 1]
            inside = (values >= lo) & ((values < hi) if i != len(edges) - 2 else (values <= hi))
            if inside.any():
                nonempty.append(i)
        rec["bins"][key] = {"edges": edges.tolist(), "per_bin": per_bin, "nonempty": nonempty}
    # the PML draw itself, for its counts
    out = m(emb, lab)
    assert len(out[0]) == len(rec["bins"]["pos"]["nonempty"]) * m.pos_per_bin
    assert len(out[2]) == len(rec["bins"]["neg"]["nonempty"]) * m.neg_per_bin
    add(rec)


histogram_case("UniformHistogramMiner_defaults", "miners.UniformHistogramMiner()", "uniform-histogram")
histogram_case("UniformHistogramMiner_20bins_cosine",
               "miners.UniformHistogramMiner(num_bins=20, pos_per_bin=3, neg_per_bin=7, distance=distances.CosineSimilarity())",
               {"name": "uniform-histogram", "numBins": 20, "positivesPerBin": 3, "negativesPerBin": 7, "distance": COS})


def sampled_case(name, pml, ours, k, batch="A", tol=1e-5):
    """triplets_per_anchor = k draws random triplets: record PML's draw and the loss on it; the test checks the
    loss on these triplets and that its own draw gives every anchor k triplets as PML's does."""
    emb32, lab = BATCHES[batch]
    loss_fn = eval(pml, dict(losses=losses, distances=distances, reducers=reducers)).to(torch.float64)
    torch.manual_seed(77)
    idx = lmu.convert_to_triplets(None, lab, lab, t_per_anchor=k)
    emb = f64(emb32).requires_grad_(True)
    torch.manual_seed(77)
    loss = loss_fn(emb, lab)                         # draws the same triplets
    loss.backward()
    loss_again = loss_fn.__class__.__call__(loss_fn, f64(emb32), lab, idx)
    assert abs(float(loss_again) - float(loss)) < 1e-12
    counts = {}
    for a in idx[0].tolist():
        counts[str(a)] = counts.get(str(a), 0) + 1
    rec = {"name": name, "kind": "loss", "batch": batch, "pml": pml, "loss": ours, "loss_tolerance": tol,
           "mined": [t.tolist() for t in idx], "anchor_counts": counts, "value": float(loss), "grad": tolist(emb.grad)}
    add(rec)


sampled_case("TripletMargin_triplets_per_anchor_5", "losses.TripletMarginLoss(margin=0.2, triplets_per_anchor=5)",
             {"name": "triplet-margin", "margin": 0.2, "tripletsPerAnchor": 5}, 5)
sampled_case("TripletMargin_triplets_per_anchor_2_batchB", "losses.TripletMarginLoss(margin=0.1, triplets_per_anchor=2)",
             {"name": "triplet-margin", "margin": 0.1, "tripletsPerAnchor": 2}, 2, batch="B")
sampled_case("Margin_triplets_per_anchor_3", "losses.MarginLoss(triplets_per_anchor=3)",
             {"name": "margin", "tripletsPerAnchor": 3}, 3)

# ---- NEW2 ----
# MultipleReducers: one reducer per sub-loss.
loss_case("Contrastive_MultipleReducers", "losses.ContrastiveLoss(reducer=reducers.MultipleReducers({'pos_loss': reducers.MeanReducer(), 'neg_loss': reducers.SumReducer()}))",
          {"name": "contrastive", "reducer": {"name": "multiple", "reducers": {"pos_loss": "mean", "neg_loss": "sum"}}})
loss_case("Contrastive_MultipleReducers_default", "losses.ContrastiveLoss(reducer=reducers.MultipleReducers({'neg_loss': reducers.ThresholdReducer(low=0.2)}, default_reducer=reducers.AvgNonZeroReducer()))",
          {"name": "contrastive", "reducer": {"name": "multiple", "reducers": {"neg_loss": {"name": "threshold", "low": 0.2}}, "default": "avg-non-zero"}}, batch="B")
loss_case("ProxyAnchor_MultipleReducers", "losses.ProxyAnchorLoss(num_classes=C, embedding_size=D, reducer=reducers.MultipleReducers({'pos_loss': reducers.MeanReducer()}, default_reducer=reducers.DivisorReducer()))",
          {"name": "proxy-anchor", "reducer": {"name": "multiple", "reducers": {"pos_loss": "mean"}, "default": "divisor"}}, batch="B", tol=1e-4)

# Regularisers on their own: value and gradient for a matrix.
def regularizer_case(name, pml, ours, batch="B"):
    emb32, _ = BATCHES[batch]
    reg = eval(pml, dict(regularizers=regularizers)).to(torch.float64)
    x = f64(emb32).requires_grad_(True)
    value = reg(x)
    value.backward()
    add({"name": name, "kind": "regularizer", "batch": batch, "pml": pml, "regularizer": ours, "value": float(value),
         "grad": tolist(x.grad), "loss_tolerance": 1e-5})


regularizer_case("LpRegularizer_defaults", "regularizers.LpRegularizer()", "lp")
regularizer_case("LpRegularizer_p1_power2", "regularizers.LpRegularizer(p=1, power=2)", {"name": "lp", "p": 1, "power": 2})
regularizer_case("ZeroMeanRegularizer", "regularizers.ZeroMeanRegularizer()", "zero-mean")
regularizer_case("CenterInvariantRegularizer", "regularizers.CenterInvariantRegularizer()", "center-invariant")
regularizer_case("RegularFaceRegularizer", "regularizers.RegularFaceRegularizer()", "regular-face")
regularizer_case("SparseCentersRegularizer_8x4", "regularizers.SparseCentersRegularizer(num_classes=8, centers_per_class=4)",
                 {"name": "sparse-centers", "numClasses": 8, "centersPerClass": 4}, batch="A")
# ... and inside losses.
loss_case("Contrastive_LpRegularizer", "losses.ContrastiveLoss(embedding_regularizer=regularizers.LpRegularizer(), embedding_reg_weight=0.1)",
          {"name": "regularized", "loss": "contrastive", "embeddingRegularizer": "lp", "weight": 0.1})
loss_case("TripletMargin_ZeroMeanRegularizer", "losses.TripletMarginLoss(margin=0.2, embedding_regularizer=regularizers.ZeroMeanRegularizer(), embedding_reg_weight=0.5)",
          {"name": "regularized", "loss": {"name": "triplet-margin", "margin": 0.2}, "embeddingRegularizer": "zero-mean", "weight": 0.5}, batch="B")
loss_case("ArcFace_RegularFaceRegularizer", "losses.ArcFaceLoss(num_classes=C, embedding_size=D, weight_regularizer=regularizers.RegularFaceRegularizer())",
          {"name": "arc-face", "weightRegularizer": "regular-face"}, tol=1e-4)
loss_case("CosFace_CenterInvariantRegularizer", "losses.CosFaceLoss(num_classes=C, embedding_size=D, weight_regularizer=regularizers.CenterInvariantRegularizer(), weight_reg_weight=0.3)",
          {"name": "cos-face", "weightRegularizer": "center-invariant", "weightRegWeight": 0.3}, tol=1e-4)
loss_case("ProxyAnchor_LpRegularizer", "losses.ProxyAnchorLoss(num_classes=C, embedding_size=D, weight_regularizer=regularizers.LpRegularizer(power=2), weight_reg_weight=0.01)",
          {"name": "proxy-anchor", "weightRegularizer": {"name": "lp", "power": 2}, "weightRegWeight": 0.01}, tol=1e-4)
loss_case("ProxyNCA_RegularFaceRegularizer", "losses.ProxyNCALoss(num_classes=C, embedding_size=D, weight_regularizer=regularizers.RegularFaceRegularizer())",
          {"name": "proxy-nca", "weightRegularizer": "regular-face"})

# ---- NEW3 ----
# CrossBatchMemory: three batches of 12 through a memory of 24 (it wraps on the third), loss and gradient per step.
def cbm_case(name, pml_loss, pml_miner, ours_loss, ours_miner, memory=24, masks=None, tol=1e-5):
    env = dict(losses=losses, miners=miners, distances=distances, reducers=reducers)

    def make(dtype):
        inner = eval(pml_loss, env)
        miner_fn = eval(pml_miner, env) if pml_miner else None
        return losses.CrossBatchMemory(inner, embedding_size=8, memory_size=memory, miner=miner_fn).to(dtype)

    cbm, cbm32 = make(torch.float64), make(torch.float32)
    steps = []
    for b, (e32, lab) in enumerate(zip(C_EMB, C_LAB)):
        e = f64(e32).requires_grad_(True)
        mask = None if masks is None else torch.tensor(masks[b])
        loss = cbm(e, lab, enqueue_mask=mask)
        loss.backward()
        # The same stream in float32 must give the same loss: no mined tuple sits on a rounding boundary.
        loss32 = float(cbm32(e32.clone(), lab, enqueue_mask=mask))
        assert abs(loss32 - float(loss)) <= 1e-3 * max(abs(float(loss)), 1e-3), (name, b, loss32, float(loss))
        step = {"value": float(loss), "grad": tolist(e.grad)}
        if mask is not None:
            step["enqueue_mask"] = masks[b]
        steps.append(step)
    spec = {"name": "cross-batch-memory", "loss": ours_loss, "memorySize": memory}
    if ours_miner:
        spec["miner"] = ours_miner
    add({"name": name, "kind": "memory", "pml": f"CrossBatchMemory({pml_loss}, embedding_size=8, memory_size={memory}, miner={pml_miner})",
         "loss": spec, "memory_size": memory, "steps": steps, "loss_tolerance": tol})


cbm_case("CrossBatchMemory_Contrastive", "losses.ContrastiveLoss()", None, "contrastive", None)
cbm_case("CrossBatchMemory_Contrastive_MultiSimilarityMiner", "losses.ContrastiveLoss()", "miners.MultiSimilarityMiner()",
         "contrastive", "multi-similarity")
cbm_case("CrossBatchMemory_TripletMargin_semihard", "losses.TripletMarginLoss(margin=0.2)",
         "miners.TripletMarginMiner(margin=0.2, type_of_triplets='semihard')", {"name": "triplet-margin", "margin": 0.2},
         {"name": "triplet-margin", "margin": 0.2, "kind": "semihard"})
cbm_case("CrossBatchMemory_TripletMargin_BatchHard_memory30", "losses.TripletMarginLoss(margin=0.1)", "miners.BatchHardMiner()",
         {"name": "triplet-margin", "margin": 0.1}, "batch-hard", memory=30)
cbm_case("CrossBatchMemory_NTXent", "losses.NTXentLoss(temperature=0.2)", None, {"name": "nt-xent", "temperature": 0.2}, None)
cbm_case("CrossBatchMemory_MultiSimilarity", "losses.MultiSimilarityLoss()", None, "multi-similarity", None)
cbm_case("CrossBatchMemory_SupCon", "losses.SupConLoss()", None, "sup-con", None)
cbm_case("CrossBatchMemory_Contrastive_enqueue_mask", "losses.ContrastiveLoss()", None, "contrastive", None,
         masks=[[i % 3 == 0 for i in range(12)], [i % 2 == 0 for i in range(12)], [i < 5 for i in range(12)]])
# ... and every other loss of PML 2.9's CrossBatchMemory.supported_losses() that SiameseKit has, with and without miners.
MASKS = [[i % 3 == 0 for i in range(12)], [i % 2 == 0 for i in range(12)], [i < 5 for i in range(12)]]
cbm_case("CrossBatchMemory_Circle", "losses.CircleLoss()", None, "circle", None, tol=1e-4)
cbm_case("CrossBatchMemory_Circle_m0.25_gamma32_MultiSimilarityMiner", "losses.CircleLoss(m=0.25, gamma=32)",
         "miners.MultiSimilarityMiner()", {"name": "circle", "m": 0.25, "gamma": 32}, "multi-similarity", tol=1e-4)
cbm_case("CrossBatchMemory_Margin", "losses.MarginLoss()", None, "margin", None)
cbm_case("CrossBatchMemory_Margin_BatchHardMiner_memory30", "losses.MarginLoss(margin=0.1, beta=1.0)", "miners.BatchHardMiner()",
         {"name": "margin", "margin": 0.1, "beta": 1.0}, "batch-hard", memory=30)
cbm_case("CrossBatchMemory_LiftedStructure", "losses.LiftedStructureLoss()", None, "lifted-structure", None)
cbm_case("CrossBatchMemory_LiftedStructure_PairMarginMiner", "losses.LiftedStructureLoss(neg_margin=0.8, pos_margin=0.1)",
         "miners.PairMarginMiner(pos_margin=0.5, neg_margin=1.0)", {"name": "lifted-structure", "negMargin": 0.8, "posMargin": 0.1},
         {"name": "pair-margin", "posMargin": 0.5, "negMargin": 1.0})
cbm_case("CrossBatchMemory_LiftedStructure_enqueue_mask", "losses.LiftedStructureLoss()", None, "lifted-structure", None, masks=MASKS)
cbm_case("CrossBatchMemory_GeneralizedLiftedStructure", "losses.GeneralizedLiftedStructureLoss()", None,
         "generalized-lifted-structure", None)
cbm_case("CrossBatchMemory_GeneralizedLiftedStructure_HDCMiner", "losses.GeneralizedLiftedStructureLoss(neg_margin=0.5)",
         "miners.HDCMiner()", {"name": "generalized-lifted-structure", "negMargin": 0.5}, "hdc")
cbm_case("CrossBatchMemory_Angular", "losses.AngularLoss()", None, "angular", None)
cbm_case("CrossBatchMemory_Angular_alpha35_AngularMiner", "losses.AngularLoss(alpha=35)", "miners.AngularMiner()",
         {"name": "angular", "alphaDegrees": 35}, "angular")
cbm_case("CrossBatchMemory_IntraPairVariance", "losses.IntraPairVarianceLoss()", None, "intra-pair-variance", None)
cbm_case("CrossBatchMemory_IntraPairVariance_enqueue_mask", "losses.IntraPairVarianceLoss(pos_eps=0.05, neg_eps=0.1)", None,
         {"name": "intra-pair-variance", "posEps": 0.05, "negEps": 0.1}, None, masks=MASKS)
cbm_case("CrossBatchMemory_TupletMargin", "losses.TupletMarginLoss()", None, "tuplet-margin", None, tol=1e-4)
cbm_case("CrossBatchMemory_TupletMargin_BatchEasyHardMiner", "losses.TupletMarginLoss(margin=10, scale=16)",
         "miners.BatchEasyHardMiner(pos_strategy='all', neg_strategy='hard')",
         {"name": "tuplet-margin", "marginDegrees": 10, "scale": 16},
         {"name": "batch-easy-hard", "positiveStrategy": "all", "negativeStrategy": "hard"}, tol=1e-4)
cbm_case("CrossBatchMemory_MultiSimilarity_TripletMarginMiner", "losses.MultiSimilarityLoss()",
         "miners.TripletMarginMiner(margin=0.3, type_of_triplets='all')", "multi-similarity",
         {"name": "triplet-margin", "margin": 0.3, "kind": "all"})


def distance_weighted_case(name, pml, ours, batch="A", reference=False):
    """DistanceWeightedMiner draws at random: record its sampling weights (PML's mine() up to the draw) and how
    many triplets each anchor gets; the test compares its own weights and counts. With `reference`, the batch is the
    second memory batch (C[1]) and the reference the memory after it (C[0] then C[1]), as CrossBatchMemory passes them."""
    m = eval(pml, dict(miners=miners))
    if reference:
        emb32, lab = C_EMB[1], C_LAB[1]
        ref32, ref_lab = torch.cat([C_EMB[0], C_EMB[1]]), torch.cat([C_LAB[0], C_LAB[1]])
    else:
        emb32, lab = BATCHES[batch]
        ref32, ref_lab = emb32, lab
    emb, ref = f64(emb32), f64(ref32)
    d = float(emb.size(1))
    mat = torch.clamp(m.distance(emb, ref), min=m.cutoff)
    log_weights = (2.0 - d) * torch.log(mat) - ((d - 3) / 2) * torch.log(1.0 - 0.25 * (mat ** 2.0))
    inf_or_nan = torch.isinf(log_weights) | torch.isnan(log_weights)
    mask = torch.ones_like(log_weights)
    mask[lab.unsqueeze(1) == ref_lab.unsqueeze(0)] = 0
    log_weights = log_weights * mask
    weights = torch.exp(log_weights - torch.max(log_weights[~inf_or_nan]))
    weights = weights * mask * (mat < m.nonzero_loss_cutoff).to(weights.dtype)
    weights[inf_or_nan] = 0
    weights = weights / torch.sum(weights, dim=1, keepdim=True)
    weights = torch.nan_to_num(weights, nan=0.0)
    torch.manual_seed(5)
    a, p, n = m(emb, lab, ref, ref_lab) if reference else m(emb, lab)
    assert all(weights[i, j] > 0 for i, j in zip(a.tolist(), n.tolist()))
    counts = {}
    for i in a.tolist():
        counts[str(i)] = counts.get(str(i), 0) + 1
    rec = {"name": name, "kind": "weighted", "batch": batch, "pml_miner": pml, "miner": ours, "weights": tolist(weights),
           "anchor_counts": counts}
    if reference:
        rec.update({"batch": None, "input": tolist(emb32), "input_labels": lab.tolist(), "reference": tolist(ref32),
                    "reference_labels": ref_lab.tolist()})
    add(rec)


distance_weighted_case("DistanceWeightedMiner_defaults", "miners.DistanceWeightedMiner()", "distance-weighted")
distance_weighted_case("DistanceWeightedMiner_cutoff0.7_nonzero1.2_batchB", "miners.DistanceWeightedMiner(cutoff=0.7, nonzero_loss_cutoff=1.2)",
                       {"name": "distance-weighted", "cutoff": 0.7, "nonzeroLossCutoff": 1.2}, batch="B")
distance_weighted_case("DistanceWeightedMiner_reference", "miners.DistanceWeightedMiner(cutoff=0.3, nonzero_loss_cutoff=1.6)",
                       {"name": "distance-weighted", "cutoff": 0.3, "nonzeroLossCutoff": 1.6}, reference=True)

out = {
    "library": "pytorch-metric-learning", "version": pytorch_metric_learning.__version__, "torch": torch.__version__,
    "generator": "scripts/reference/pml_conformance_all.py",
    "inputs": {
        "A": {"generation": "torch.manual_seed(0); randn(32, 16); randperm(32) % 8", "embeddings": tolist(A_EMB), "labels": A_LAB.tolist()},
        "B": {"generation": "Generator().manual_seed(11); randn(20, 8); fixed labels with a singleton class",
              "embeddings": tolist(B_EMB), "labels": B_LAB.tolist()},
        "C": {"generation": "same generator after B: three batches randn(12, 8), randint(0, 6, (12,))",
              "batches": [tolist(e) for e in C_EMB], "labels": [l.tolist() for l in C_LAB]},
    },
    "notes": [
        "values and gradients computed in float64 from the float32 inputs; learned weights drawn under torch.manual_seed(1234) and stored",
        "mined tuples: computed in float32 and float64, identical; compare as sets",
        "'loss', 'miner', 'distance', 'regularizer', 'reducer' hold SiameseKit registry specs",
    ],
    "cases": cases,
}
def rounded(x):
    """12 significant digits: the float32 inputs read back as the same float32 values, 1e-12 relative for float64 references (far below every
    tolerance), and the file about half the size."""
    if isinstance(x, float):
        return float(f"{x:.12g}")
    if isinstance(x, list):
        return [rounded(v) for v in x]
    if isinstance(x, dict):
        return {k: rounded(v) for k, v in x.items()}
    return x


for batch in (A_EMB, B_EMB, *C_EMB):
    assert all(np.float32(float(f"{v:.12g}")) == np.float32(v) for v in batch.double().flatten().tolist())
with open(OUT, "w") as f:
    json.dump(rounded(out), f, separators=(",", ":"))
print(len(cases), "cases ->", os.path.normpath(OUT))
