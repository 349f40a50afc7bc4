"""Companion of `siamese-bench koch`: PyTorch's CPU time per training pair and per embedded image for Koch et al.'s
(2015) Omniglot network, the same model, batch and optimiser as ../shared/peers/koch.py (batch 32 pairs through one
concatenated pass, weighted-L1 head, BCE with logits, Adam 6e-5; inference batch 64 under no_grad), with a given thread
count. CPU time (user + system of this process) stays comparable on a contended machine where wall rates do not.
Usage: python scripts/bench/koch_peer_cpu.py [THREADS=1,2] [REPS=3]
Writes $PEERS_OUT/raw/koch_cpu.json and prints one line per measurement."""
import json, os, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

threads_list = [int(t) for t in (sys.argv[1] if len(sys.argv) > 1 else "1,2").split(",")]
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
out = os.path.join(os.environ.get("PEERS_OUT", os.path.expanduser("~/.cache/siamese-peers/out")), "raw")


def twin():
    # 105 -> 96 -> 48 -> 42 -> 21 -> 18 -> 9 -> 6; 256 * 6 * 6 = 9216 features, then 4096 sigmoid units.
    convs = [(1, 64, 10), (64, 128, 7), (128, 128, 4), (128, 256, 4)]
    layers = []
    for i, (cin, cout, k) in enumerate(convs):
        layers += [nn.Conv2d(cin, cout, k), nn.ReLU()] + ([nn.MaxPool2d(2)] if i < 3 else [])
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(9216, 4096), nn.Sigmoid()), nn.Linear(4096, 1)


def cpu():
    t = os.times()
    return t.user + t.system


def timed(body):
    body()
    walls, cpus = [], []
    for _ in range(reps):
        c0, t0 = cpu(), time.perf_counter()
        body()
        walls.append(time.perf_counter() - t0)
        cpus.append(cpu() - c0)
    return sorted(walls)[reps // 2], sorted(cpus)[reps // 2]


results = []
for threads in threads_list:
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    embed, head = twin()
    opt = torch.optim.Adam(list(embed.parameters()) + list(head.parameters()), lr=6e-5)
    B = 32
    x = torch.rand(2 * B, 1, 105, 105)
    y = torch.randint(0, 2, (B,)).float()

    def step():
        opt.zero_grad()
        h = embed(x)
        logits = head(torch.abs(h[:B] - h[B:])).squeeze(1)
        F.binary_cross_entropy_with_logits(logits, y).backward()
        opt.step()

    wall, c = timed(step)
    results.append({"what": "train", "threads": threads, "batch_pairs": B, "wall_rate": B / wall, "cpu_seconds_per_unit": c / B})
    print(f"PyTorch Koch train t={threads}: {B / wall:.2f} pairs/s wall, {c / B:.4f} CPU s/pair", flush=True)
    embed.eval()
    images = torch.rand(64, 1, 105, 105)

    def infer():
        with torch.no_grad():
            embed(images)

    wall, c = timed(infer)
    results.append({"what": "inference", "threads": threads, "batch_images": 64, "wall_rate": 64 / wall, "cpu_seconds_per_unit": c / 64})
    print(f"PyTorch Koch inference t={threads}: {64 / wall:.1f} images/s wall, {c / 64:.4f} CPU s/image", flush=True)

os.makedirs(out, exist_ok=True)
tmp = os.path.join(out, "koch_cpu.json.tmp")
with open(tmp, "w") as f:
    json.dump({"benchmark": "Koch 2015 Omniglot Siamese, CPU time per unit (koch_peer_cpu.py)", "torch": torch.__version__,
               "reps": reps, "results": results}, f, indent=1)
os.replace(tmp, os.path.join(out, "koch_cpu.json"))
