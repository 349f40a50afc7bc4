"""The PML side of `bash scripts/bench.sh losses` for the losses and miners that pml_speed.py in ../shared/peers does
not time (issue 13): forward+backward time per step, same setup as pml_speed.py (128-d normal embeddings,
4 samples per class, batches of 256 and 1024, 2 threads, float32 CPU). Learned-weight losses get 64 classes at 256
and 256 at 1024 (one per 4 samples). Two-view losses get a second view `emb + 0.1 * randn`. Miners are timed alone
(one mining call, no gradients).

    ~/.cache/siamese-peers/venv/bin/python scripts/bench/pml_speed_breadth.py
        -> $PEERS_OUT/raw/pml_speed_breadth.json and $PEERS_OUT/raw/pml_speed_miners.json

Environment (for development comparisons): PML_BENCH_ONLY=losses|miners, PML_BENCH_CASE=TEXT (cases whose name
contains it), PML_BENCH_THREADS=N (default 2), PML_BENCH_CLOCK=cpu (CPU time, user+sys of the whole process, per
step instead of wall time, without waiting for a quiet machine: to compare with `siamese-bench losses --clock cpu` on
a contended machine; pair it with PEERS_OUT=<a scratch folder> so the wall-time files stay).
"""
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, os.environ.get("PEERS") or str(ROOT.parent / "shared" / "peers"))
import torch  # noqa: E402
from pytorch_metric_learning import losses, miners  # noqa: E402
from common import rate_stats, save_raw, timeit  # noqa: E402

# name, constructor(classes) -> loss, miner constructor or None, kind. Skipped at 1024: the "all triplets" losses (PML
# materialises n³ masks for them) and TupletMarginLoss without a miner (PML repeats every negative pair for every
# positive pair: 12,288 × 1,032,192 floats, about 50 GB; at 256 it already takes seconds per step).
CASES = [
    ("GeneralizedLiftedStructureLoss", lambda c: losses.GeneralizedLiftedStructureLoss(), None, "labels"),
    ("FastAPLoss", lambda c: losses.FastAPLoss(), None, "labels"),
    ("SoftTripleLoss", lambda c: losses.SoftTripleLoss(num_classes=c, embedding_size=128), None, "labels"),
    ("NormalizedSoftmaxLoss", lambda c: losses.NormalizedSoftmaxLoss(num_classes=c, embedding_size=128), None, "labels"),
    ("LargeMarginSoftmaxLoss", lambda c: losses.LargeMarginSoftmaxLoss(num_classes=c, embedding_size=128), None, "labels"),
    ("SphereFaceLoss", lambda c: losses.SphereFaceLoss(num_classes=c, embedding_size=128), None, "labels"),
    ("SubCenterArcFaceLoss", lambda c: losses.SubCenterArcFaceLoss(num_classes=c, embedding_size=128), None, "labels"),
    ("TupletMarginLoss", lambda c: losses.TupletMarginLoss(), None, "all_pairs"),
    ("TupletMarginLoss + MultiSimilarityMiner", lambda c: losses.TupletMarginLoss(), lambda: miners.MultiSimilarityMiner(), "labels"),
    ("IntraPairVarianceLoss", lambda c: losses.IntraPairVarianceLoss(), None, "labels"),
    ("HistogramLoss", lambda c: losses.HistogramLoss(), None, "triplets"),
    ("DynamicSoftMarginLoss", lambda c: losses.DynamicSoftMarginLoss(), None, "triplets"),
    ("P2SGradLoss", lambda c: losses.P2SGradLoss(descriptors_dim=128, num_classes=c), None, "labels"),
    ("InstanceLoss", lambda c: losses.InstanceLoss(), None, "labels"),
    ("ThresholdConsistentMarginLoss", lambda c: losses.ThresholdConsistentMarginLoss(), None, "labels"),
    ("VICRegLoss", lambda c: losses.VICRegLoss(), None, "reference"),
    ("SelfSupervisedLoss(NTXentLoss)", lambda c: losses.SelfSupervisedLoss(losses.NTXentLoss(temperature=0.1)), None, "self_supervised"),
    # PML losses SiameseKit has that pml_speed.py does not time either.
    ("AngularLoss", lambda c: losses.AngularLoss(), None, "triplets"),
    ("MarginLoss", lambda c: losses.MarginLoss(), None, "triplets"),
    ("LiftedStructureLoss", lambda c: losses.LiftedStructureLoss(), None, "labels"),
    ("NPairsLoss", lambda c: losses.NPairsLoss(), None, "labels"),
    ("ArcFaceLoss", lambda c: losses.ArcFaceLoss(num_classes=c, embedding_size=128), None, "labels"),
    ("CosFaceLoss", lambda c: losses.CosFaceLoss(num_classes=c, embedding_size=128), None, "labels"),
    ("ProxyAnchorLoss", lambda c: losses.ProxyAnchorLoss(num_classes=c, embedding_size=128), None, "labels"),
    ("ProxyNCALoss", lambda c: losses.ProxyNCALoss(num_classes=c, embedding_size=128), None, "labels"),
    ("MultipleLosses(Contrastive, TripletMargin + semihard)",
     lambda c: losses.MultipleLosses([losses.ContrastiveLoss(), losses.TripletMarginLoss(margin=0.2)],
                                     miners=[None, miners.TripletMarginMiner(margin=0.2, type_of_triplets="semihard")]),
     None, "labels"),
]

# Every PML miner SiameseKit has, timed alone (mining only; PML miners run without gradients), default arguments.
MINERS = [
    ("BatchHardMiner", lambda: miners.BatchHardMiner()),
    ("BatchEasyHardMiner", lambda: miners.BatchEasyHardMiner()),
    ("TripletMarginMiner semihard", lambda: miners.TripletMarginMiner(margin=0.2, type_of_triplets="semihard")),
    ("MultiSimilarityMiner", lambda: miners.MultiSimilarityMiner()),
    ("PairMarginMiner", lambda: miners.PairMarginMiner()),
    ("DistanceWeightedMiner", lambda: miners.DistanceWeightedMiner()),
    ("HDCMiner", lambda: miners.HDCMiner()),
    ("AngularMiner", lambda: miners.AngularMiner()),
    ("UniformHistogramMiner", lambda: miners.UniformHistogramMiner()),
]

ONLY = os.environ.get("PML_BENCH_ONLY")  # "losses" or "miners" (both when unset)
CASE = os.environ.get("PML_BENCH_CASE")  # only the cases whose name contains this text
CPU_CLOCK = os.environ.get("PML_BENCH_CLOCK") == "cpu"


def cpu_seconds():
    return time.process_time()


def timed_cpu(step):
    """CPU ms (user+sys, all threads) per call: median of 5 repetitions of ~0.25 s of CPU time, after one warm-up."""
    step()
    t0 = cpu_seconds(); step(); dt = cpu_seconds() - t0
    iters = max(1, int(0.25 / max(dt, 1e-3)))
    per = []
    for _ in range(5):
        t0 = cpu_seconds()
        for _ in range(iters):
            step()
        per.append((cpu_seconds() - t0) / iters)
    per.sort()
    ms = 1000.0 * per[2]
    return {"median": 1000.0 / ms, "clock": "cpu", "timing": {"n_clean": None}}, ms


def timed(step):
    """ms per call: median of 5 clean repetitions of ~0.25 s, as pml_speed.py."""
    t0 = time.perf_counter(); step(); dt = time.perf_counter() - t0
    iters = max(1, int(0.25 / max(dt, 1e-6)))

    def run():
        for _ in range(iters):
            step()
    ts = timeit(run, reps=5, warmup=1)
    st = rate_stats(ts, iters)
    return st, 1000.0 / st["median"]


torch.set_num_threads(int(os.environ.get("PML_BENCH_THREADS", "2")))
results = []
miner_results = []
for batch in (256, 1024):
    torch.manual_seed(0)
    emb0 = torch.randn(batch, 128)
    ref0 = emb0 + 0.1 * torch.randn(batch, 128)
    labels = torch.arange(batch // 4).repeat_interleave(4)
    for name, mk_loss, mk_miner, kind in CASES:
        if ONLY == "miners" or (CASE and CASE.lower() not in name.lower()):
            continue
        # At 1024, TupletMarginLoss with a miner (every mined negative with every mined positive) and the
        # self-supervised NT-Xent (a 34 GB allocation) need more than the machine's 24 GB in PML 2.9 (2026-12-03):
        # they run at 256 only.
        # LiftedStructureLoss builds a (positive pairs) × (negative pairs) mask: 3,072 × 1,047,552 floats at 1024.
        if batch == 1024 and (kind in ("triplets", "all_pairs", "self_supervised") or name.startswith("TupletMarginLoss")
                              or name == "LiftedStructureLoss"):
            continue
        loss_fn = mk_loss(batch // 4)
        miner = mk_miner() if mk_miner else None
        emb = emb0.clone().requires_grad_()
        ref = ref0.clone().requires_grad_()

        def step():
            emb.grad = None
            ref.grad = None
            if hasattr(loss_fn, "hist_"):
                # PML's DynamicSoftMarginLoss keeps the previous step's graph in its histogram, so a second
                # backward fails ("backward through the graph a second time"); detach it between steps.
                loss_fn.hist_ = loss_fn.hist_.detach()
            if kind == "reference":
                loss = loss_fn(emb, ref_emb=ref)
            elif kind == "self_supervised":
                loss = loss_fn(emb, ref)
            elif miner is not None:
                loss = loss_fn(emb, labels, miner(emb, labels))
            else:
                loss = loss_fn(emb, labels)
            loss.backward()

        st, ms = timed_cpu(step) if CPU_CLOCK else timed(step)
        results.append({"case": name, "batch": batch, "dim": 128, "threads": torch.get_num_threads(), "steps_per_s": st, "ms_median": ms})
        print(json.dumps({"benchmark": "pml_speed_breadth", "case": name, "batch": batch, "ms_per_step_median": round(ms, 3),
                          "clean": st["timing"]["n_clean"]}), flush=True)

    for name, mk_miner in MINERS:
        if ONLY == "losses" or (CASE and CASE.lower() not in name.lower()):
            continue
        miner = mk_miner()
        emb = emb0.clone()
        torch.manual_seed(0)
        st, ms = timed_cpu(lambda: miner(emb, labels)) if CPU_CLOCK else timed(lambda: miner(emb, labels))
        miner_results.append({"case": name, "batch": batch, "dim": 128, "threads": torch.get_num_threads(), "calls_per_s": st, "ms_median": ms})
        print(json.dumps({"benchmark": "pml_speed_miners", "case": name, "batch": batch, "ms_per_call_median": round(ms, 3),
                          "clean": st["timing"]["n_clean"]}), flush=True)

if ONLY != "miners":
    save_raw("pml_speed_breadth", {"benchmark": "pml_speed_breadth", "units": "forward+backward steps/s", "results": results})
if ONLY != "losses":
    save_raw("pml_speed_miners", {"benchmark": "pml_speed_miners", "units": "mining calls/s", "results": miner_results})
