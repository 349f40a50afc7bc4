"""Reference values of PyTorch Metric Learning 2.9's losses that SiameseKit added for issue 13 (item 2).

Writes Tests/SiameseTestSupport/Fixtures/pml_conformance_losses.json. Run in the peer venv:
    ~/.cache/siamese-peers/venv/bin/python scripts/reference/pml_conformance_losses.py

Same inputs and procedure as ../shared/peers/pml_conformance.py: `torch.manual_seed(0); embeddings =
torch.randn(32, 16); labels = torch.randperm(32) % 8`; before each case `torch.manual_seed(1234)`, then the loss
and miner are constructed; learned parameters are recorded as constructed (the test loads them). With a miner,
`idx = miner(emb, labels)` (recorded as `mined_indices`), then `loss = loss_fn(emb, labels, idx)`. Losses that take
a second view (VICRegLoss, SelfSupervisedLoss) get `reference = embeddings + 0.5 * randn` (seeded, recorded), and
the gradient with respect to it (`grad_reference`).
"""
import json
import pathlib

import torch
import pytorch_metric_learning
from pytorch_metric_learning import distances, losses, miners

torch.set_num_threads(2)
torch.use_deterministic_algorithms(True)
OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests/SiameseTestSupport/Fixtures/pml_conformance_losses.json"

torch.manual_seed(0)
EMB = torch.randn(32, 16)
LABELS = torch.randperm(32) % 8
g = torch.Generator().manual_seed(42)
REF = EMB + 0.5 * torch.randn(32, 16, generator=g)

PAIR_MINER = "miners.MultiSimilarityMiner(epsilon=0.1)"
TRIPLET_MINER = "miners.TripletMarginMiner(margin=0.2, type_of_triplets='semihard')"

# name, loss constructor, miner constructor or None, kind ("labels", "reference", "self_supervised", "twice")
CASES = [
    ("GeneralizedLiftedStructureLoss_defaults", "losses.GeneralizedLiftedStructureLoss()", None, "labels"),
    ("GeneralizedLiftedStructureLoss_neg0.5_pos0.1", "losses.GeneralizedLiftedStructureLoss(neg_margin=0.5, pos_margin=0.1)", None, "labels"),
    ("GeneralizedLiftedStructureLoss_cosine", "losses.GeneralizedLiftedStructureLoss(neg_margin=0.3, pos_margin=0.8, distance=distances.CosineSimilarity())", None, "labels"),
    ("GeneralizedLiftedStructureLoss_pair_miner", "losses.GeneralizedLiftedStructureLoss()", PAIR_MINER, "labels"),

    ("FastAPLoss_defaults", "losses.FastAPLoss()", None, "labels"),
    ("FastAPLoss_bins5", "losses.FastAPLoss(num_bins=5)", None, "labels"),
    ("FastAPLoss_triplet_miner", "losses.FastAPLoss()", TRIPLET_MINER, "labels"),

    ("SoftTripleLoss_8cls_16d", "losses.SoftTripleLoss(num_classes=8, embedding_size=16)", None, "labels"),
    ("SoftTripleLoss_k3_la10_g0.2_m0.05", "losses.SoftTripleLoss(num_classes=8, embedding_size=16, centers_per_class=3, la=10, gamma=0.2, margin=0.05)", None, "labels"),
    ("SoftTripleLoss_pair_miner", "losses.SoftTripleLoss(num_classes=8, embedding_size=16)", PAIR_MINER, "labels"),

    ("NormalizedSoftmaxLoss_8cls_16d", "losses.NormalizedSoftmaxLoss(num_classes=8, embedding_size=16)", None, "labels"),
    ("NormalizedSoftmaxLoss_t0.2", "losses.NormalizedSoftmaxLoss(num_classes=8, embedding_size=16, temperature=0.2)", None, "labels"),
    ("NormalizedSoftmaxLoss_triplet_miner", "losses.NormalizedSoftmaxLoss(num_classes=8, embedding_size=16)", TRIPLET_MINER, "labels"),

    ("LargeMarginSoftmaxLoss_8cls_16d", "losses.LargeMarginSoftmaxLoss(num_classes=8, embedding_size=16)", None, "labels"),
    ("LargeMarginSoftmaxLoss_m3_s2", "losses.LargeMarginSoftmaxLoss(num_classes=8, embedding_size=16, margin=3, scale=2)", None, "labels"),
    ("LargeMarginSoftmaxLoss_pair_miner", "losses.LargeMarginSoftmaxLoss(num_classes=8, embedding_size=16)", PAIR_MINER, "labels"),

    ("SphereFaceLoss_8cls_16d", "losses.SphereFaceLoss(num_classes=8, embedding_size=16)", None, "labels"),
    ("SphereFaceLoss_m2_s1.5", "losses.SphereFaceLoss(num_classes=8, embedding_size=16, margin=2, scale=1.5)", None, "labels"),
    ("SphereFaceLoss_triplet_miner", "losses.SphereFaceLoss(num_classes=8, embedding_size=16)", TRIPLET_MINER, "labels"),

    ("SubCenterArcFaceLoss_8cls_16d", "losses.SubCenterArcFaceLoss(num_classes=8, embedding_size=16)", None, "labels"),
    ("SubCenterArcFaceLoss_k2_m20_s32", "losses.SubCenterArcFaceLoss(num_classes=8, embedding_size=16, sub_centers=2, margin=20, scale=32)", None, "labels"),
    ("SubCenterArcFaceLoss_pair_miner", "losses.SubCenterArcFaceLoss(num_classes=8, embedding_size=16)", PAIR_MINER, "labels"),

    ("TupletMarginLoss_defaults", "losses.TupletMarginLoss()", None, "labels"),
    ("TupletMarginLoss_m10_s32", "losses.TupletMarginLoss(margin=10, scale=32)", None, "labels"),
    ("TupletMarginLoss_pair_miner", "losses.TupletMarginLoss()", PAIR_MINER, "labels"),

    ("IntraPairVarianceLoss_defaults", "losses.IntraPairVarianceLoss()", None, "labels"),
    ("IntraPairVarianceLoss_eps0.05_0.02", "losses.IntraPairVarianceLoss(pos_eps=0.05, neg_eps=0.02)", None, "labels"),
    ("IntraPairVarianceLoss_L2", "losses.IntraPairVarianceLoss(distance=distances.LpDistance())", None, "labels"),
    ("IntraPairVarianceLoss_pair_miner", "losses.IntraPairVarianceLoss()", PAIR_MINER, "labels"),

    ("HistogramLoss_defaults", "losses.HistogramLoss()", None, "labels"),
    ("HistogramLoss_bins10", "losses.HistogramLoss(n_bins=10)", None, "labels"),
    ("HistogramLoss_triplet_miner", "losses.HistogramLoss()", TRIPLET_MINER, "labels"),

    ("DynamicSoftMarginLoss_defaults", "losses.DynamicSoftMarginLoss()", None, "labels"),
    ("DynamicSoftMarginLoss_min-1.5_bins20", "losses.DynamicSoftMarginLoss(min_val=-1.5, num_bins=20)", None, "labels"),
    ("DynamicSoftMarginLoss_second_call", "losses.DynamicSoftMarginLoss(momentum=0.3)", None, "twice"),
    ("DynamicSoftMarginLoss_triplet_miner", "losses.DynamicSoftMarginLoss()", TRIPLET_MINER, "labels"),

    ("P2SGradLoss_16d_8cls", "losses.P2SGradLoss(descriptors_dim=16, num_classes=8)", None, "labels"),
    ("P2SGradLoss_16d_12cls", "losses.P2SGradLoss(descriptors_dim=16, num_classes=12)", None, "labels"),

    ("InstanceLoss_defaults", "losses.InstanceLoss()", None, "labels"),
    ("InstanceLoss_gamma16", "losses.InstanceLoss(gamma=16)", None, "labels"),

    ("ThresholdConsistentMarginLoss_defaults", "losses.ThresholdConsistentMarginLoss()", None, "labels"),
    ("ThresholdConsistentMarginLoss_custom", "losses.ThresholdConsistentMarginLoss(lambda_plus=0.5, lambda_minus=2.0, margin_plus=0.3, margin_minus=0.1)", None, "labels"),
    ("ThresholdConsistentMarginLoss_pair_miner", "losses.ThresholdConsistentMarginLoss(margin_plus=0.3, margin_minus=0.1)", PAIR_MINER, "labels"),

    ("VICRegLoss_defaults", "losses.VICRegLoss()", None, "reference"),
    ("VICRegLoss_l10_mu5_v2", "losses.VICRegLoss(invariance_lambda=10, variance_mu=5, covariance_v=2)", None, "reference"),

    ("SelfSupervisedLoss_TripletMargin", "losses.SelfSupervisedLoss(losses.TripletMarginLoss())", None, "self_supervised"),
    ("SelfSupervisedLoss_NTXent_t0.1", "losses.SelfSupervisedLoss(losses.NTXentLoss(temperature=0.1))", None, "self_supervised"),
    ("SelfSupervisedLoss_GeneralizedLiftedStructure", "losses.SelfSupervisedLoss(losses.GeneralizedLiftedStructureLoss())", None, "self_supervised"),

    ("MultipleLosses_contrastive_triplet", "losses.MultipleLosses([losses.ContrastiveLoss(), losses.TripletMarginLoss(margin=0.2)])", None, "labels"),
    ("MultipleLosses_weighted_with_miner", "losses.MultipleLosses([losses.ContrastiveLoss(), losses.TripletMarginLoss(margin=0.2)], miners=[None, miners.TripletMarginMiner(margin=0.2, type_of_triplets='semihard')], weights=[0.7, 2.0])", None, "labels"),
    ("MultipleLosses_dict_new_losses", "losses.MultipleLosses({'gls': losses.GeneralizedLiftedStructureLoss(), 'tuplet': losses.TupletMarginLoss(), 'ipv': losses.IntraPairVarianceLoss()}, weights={'gls': 1.0, 'tuplet': 0.1, 'ipv': 3.0})", None, "labels"),
]


def tolist(t, digits=9):
    """float32 values with `digits` significant digits (9 read back as the same float32; gradients get 7,
    a thousand times finer than the tolerance they are compared with)."""
    def short(x):
        return [short(v) for v in x] if isinstance(x, list) else float(f"{x:.{digits}g}")
    return short(t.detach().double().tolist())


def describe(obj):
    """The effective scalar hyper-parameters of a loss or miner, with its distance and reducer."""
    d = {"class": type(obj).__name__}
    for k, v in sorted(vars(obj).items()):
        if k.startswith("_") or k == "training":
            continue
        if isinstance(v, (int, float, str, bool)) or v is None:
            d[k] = v
        elif isinstance(v, torch.Tensor) and v.numel() == 1:
            d[k] = float(v)
    for sub in ("distance", "reducer"):
        so = getattr(obj, sub, None)
        if so is not None:
            d[sub] = {"class": type(so).__name__,
                      **{k: v for k, v in vars(so).items() if not k.startswith("_") and isinstance(v, (int, float, str, bool))}}
    return d


cases_out = []
for name, loss_src, miner_src, kind in CASES:
    torch.manual_seed(1234)
    loss_fn = eval(loss_src)
    miner = eval(miner_src) if miner_src else None
    params_before = {n: tolist(p) for n, p in loss_fn.named_parameters()}
    emb = EMB.clone().requires_grad_(True)
    ref = REF.clone().requires_grad_(True)
    rec = {"name": name, "class": name.split("_")[0], "kind": kind, "loss_constructor": loss_src,
           "miner_constructor": miner_src, "seed_before_construction": 1234}
    if hasattr(loss_fn, "reducer") or hasattr(loss_fn, "distance"):
        rec["loss_config"] = describe(loss_fn)
    if kind == "labels" and miner is not None:
        rec["miner_config"] = describe(miner)
        idx = miner(emb, LABELS)
        rec["mined_indices"] = [t.tolist() for t in idx]
        loss = loss_fn(emb, LABELS, idx)
    elif kind == "labels":
        loss = loss_fn(emb, LABELS)
    elif kind == "twice":
        # The loss keeps a histogram between calls: first call on the reference view, second on the embeddings.
        first = loss_fn(REF.clone(), LABELS)
        rec["first_call_loss"] = float(first.item())
        loss = loss_fn(emb, LABELS)
    elif kind == "reference":
        loss = loss_fn(emb, ref_emb=ref)
    elif kind == "self_supervised":
        loss = loss_fn(emb, ref)
    loss.backward()
    rec["loss"] = float(loss.item())
    rec["grad_embeddings"] = tolist(emb.grad, 7)
    if kind in ("reference", "self_supervised"):
        rec["grad_reference"] = tolist(ref.grad, 7)
    if params_before:
        rec["parameters"] = params_before
        rec["parameter_shapes"] = {n: list(p.shape) for n, p in loss_fn.named_parameters()}
        rec["parameter_grads"] = {n: tolist(p.grad, 7) for n, p in loss_fn.named_parameters() if p.grad is not None}
    if hasattr(loss_fn, "hist_"):
        rec["histogram_after"] = tolist(loss_fn.hist_)
    cases_out.append(rec)
    print(f"{name:50s} loss={rec['loss']:.8f} |grad|={emb.grad.norm():.6f}")

out = {
    "library": "pytorch-metric-learning", "version": pytorch_metric_learning.__version__, "torch": torch.__version__,
    "generator": "scripts/reference/pml_conformance_losses.py",
    "inputs": {"generation": "torch.manual_seed(0); embeddings = torch.randn(32, 16); labels = torch.randperm(32) % 8; "
                             "reference = embeddings + 0.5 * torch.randn(32, 16, generator=torch.Generator().manual_seed(42))",
               "embeddings": tolist(EMB), "labels": LABELS.tolist(), "reference": tolist(REF)},
    "notes": ["float32 on CPU; inputs, parameters and losses written with 9 significant digits (they read back as the same float32), gradients with 7",
              "torch.manual_seed(1234) before constructing each loss; learned parameters under 'parameters' as constructed",
              "with a miner: idx = miner(embeddings, labels); loss = loss_fn(embeddings, labels, idx)",
              "kind 'reference': loss_fn(embeddings, ref_emb=reference); kind 'self_supervised': loss_fn(embeddings, reference)",
              "kind 'twice': loss_fn(reference, labels) first (value in first_call_loss, no backward), then loss_fn(embeddings, labels)",
              "MultipleLosses cases mine inside the wrapper (miners=[...]); their mined indices are not recorded"],
    "cases": cases_out,
}
OUT.write_text(json.dumps(out))
print("wrote", OUT, len(cases_out), "cases")
