"""sentence-transformers' own fine-tune of all-MiniLM-L6-v2 on STS-benchmark train with CoSENT, for comparison with
SiameseKit's `recipes/sts-minilm-cosent.yaml` (the gain to expect from the same recipe).

Run in the peer venv (sentence-transformers 6.2, PyTorch, CPU):
    ~/.cache/siamese-peers/venv/bin/python scripts/reference/st_sts_finetune.py \
        --model ~/.cache/siamese/all-MiniLM-L6-v2 --data ../shared/datasets/stsbenchmark --threads 1

The peer venv has no `datasets` package, which `SentenceTransformer.fit` (now a wrapper over the Trainer) needs, so
the loop below is the recipe `fit` runs, written out: shuffled batches of 16 pairs, the model in training mode
(dropout 0.1), AdamW (lr 2e-5, weight decay 0.01 on every weight except biases and LayerNorm), a linear warm-up over
10 % of the steps then linear decay to zero, gradient norm clipped to 1, one epoch (`--epochs`). The loss is
sentence-transformers' `CoSENTLoss` (scale 20) or `CosineSimilarityLoss` (`--loss cosine`) on targets score / 5.
Evaluation: Spearman ×100 of the cosine similarity on dev and test (`EmbeddingSimilarityEvaluator`'s figure), before,
after each epoch but the last (the model in evaluation mode; the schedule runs over all epochs), and after.
"""
import argparse
import json
import math
import pathlib
import random
import time

import torch
from scipy.stats import spearmanr
from sentence_transformers import SentenceTransformer
from sentence_transformers.sentence_transformer.losses import CoSENTLoss, CosineSimilarityLoss
from transformers import get_linear_schedule_with_warmup


def read_sts(path):
    """STS-benchmark TSV rows: genre, file, year, id, score, sentence 1, sentence 2 (extra columns ignored)."""
    pairs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 7:
                pairs.append((cols[5], cols[6], float(cols[4])))
    return pairs


def spearman(model, pairs):
    model.eval()
    with torch.no_grad():
        a = model.encode([p[0] for p in pairs], batch_size=32, convert_to_tensor=True, normalize_embeddings=True)
        b = model.encode([p[1] for p in pairs], batch_size=32, convert_to_tensor=True, normalize_embeddings=True)
    cos = (a * b).sum(dim=1).cpu().numpy()
    return 100 * spearmanr(cos, [p[2] for p in pairs]).statistic


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--lr", type=float, default=2e-5)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--warmup", type=float, default=0.1)
    ap.add_argument("--max-grad-norm", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--loss", choices=("cosent", "cosine"), default="cosent",
                    help="CoSENTLoss (scale 20) or CosineSimilarityLoss (MSE of the cosine against score / 5)")
    ap.add_argument("--output", default=None, help="write the figures as JSON here")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    data = pathlib.Path(args.data).expanduser()
    train, dev, test = (read_sts(data / f"sts-{s}.csv") for s in ("train", "dev", "test"))
    model = SentenceTransformer(str(pathlib.Path(args.model).expanduser()), device="cpu")
    before = {"dev": spearman(model, dev), "test": spearman(model, test)}
    print(f"pretrained: dev {before['dev']:.2f} test {before['test']:.2f}", flush=True)

    loss = CoSENTLoss(model) if args.loss == "cosent" else CosineSimilarityLoss(model)
    no_decay = ("bias", "LayerNorm.bias", "LayerNorm.weight")
    named = list(model.named_parameters())
    groups = [
        {"params": [p for n, p in named if not any(k in n for k in no_decay)], "weight_decay": args.weight_decay},
        {"params": [p for n, p in named if any(k in n for k in no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=args.lr)
    steps_per_epoch = math.ceil(len(train) / args.batch_size)
    total = steps_per_epoch * args.epochs
    scheduler = get_linear_schedule_with_warmup(optimizer, math.ceil(total * args.warmup), total)

    start = time.process_time(), time.time()
    losses = []
    per_epoch = []
    for epoch in range(args.epochs):
        order = list(range(len(train)))
        random.shuffle(order)
        for s in range(steps_per_epoch):
            batch = [train[i] for i in order[s * args.batch_size:(s + 1) * args.batch_size]]
            model.train()
            feats = [model.tokenize([p[0] for p in batch]), model.tokenize([p[1] for p in batch])]
            labels = torch.tensor([p[2] / 5 for p in batch])
            value = loss(feats, labels)
            optimizer.zero_grad()
            value.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), args.max_grad_norm)
            optimizer.step()
            scheduler.step()
            losses.append(value.item())
            if (s + 1) % 40 == 0:
                print(f"step {s + 1}/{steps_per_epoch} loss {sum(losses[-40:]) / 40:.4f}", flush=True)
        if epoch + 1 < args.epochs:
            e = {"epoch": epoch + 1, "dev": spearman(model, dev), "test": spearman(model, test)}
            per_epoch.append(e)
            print(f"epoch {epoch + 1}: dev {e['dev']:.2f} test {e['test']:.2f}", flush=True)
    cpu, wall = time.process_time() - start[0], time.time() - start[1]
    after = {"dev": spearman(model, dev), "test": spearman(model, test)}
    print(f"fine-tuned: dev {after['dev']:.2f} test {after['test']:.2f} "
          f"(gain dev {after['dev'] - before['dev']:+.2f}, test {after['test'] - before['test']:+.2f}); "
          f"{total} steps, {cpu:.0f} s CPU, {wall:.0f} s wall, {args.threads} thread(s)", flush=True)
    if args.output:
        out = {"before": before, "after": after, "steps": total, "cpu_s": cpu, "wall_s": wall,
               "per_epoch": per_epoch, "mean_loss_first_40": sum(losses[:40]) / 40, "mean_loss_last_40": sum(losses[-40:]) / 40,
               "args": vars(args)}
        pathlib.Path(args.output).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
