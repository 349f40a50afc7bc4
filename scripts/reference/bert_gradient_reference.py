"""Reference gradient of one CoSENT training step of all-MiniLM-L6-v2, for SiameseText's BertGradientTests.

Writes Tests/SiameseTestSupport/Fixtures/minilm_gradient_reference.json. Run in the peer venv
(sentence-transformers 6.2, PyTorch, transformers):
    ~/.cache/siamese-peers/venv/bin/python scripts/reference/bert_gradient_reference.py \
        --model ~/.cache/siamese/all-MiniLM-L6-v2

Four STS-style pairs (fixed below) go through sentence-transformers' model in evaluation mode (no dropout, so the
step is deterministic) and `CoSENTLoss` (scale 20) on targets score / 5; the loss is back-propagated. For every
parameter the fixture keeps the gradient's L2 norm and its values at 24 flat indices (strided over the tensor; for
the word embeddings, rows of tokens that occur in the batch, and for the position embeddings the first positions,
since the other rows get no gradient).
"""
import argparse
import json
import pathlib

import torch
from sentence_transformers import SentenceTransformer
from sentence_transformers.sentence_transformer.losses import CoSENTLoss

PAIRS = [
    ("A plane is taking off.", "An air plane is taking off.", 5.0),
    ("A man is playing a large flute.", "A man is playing a flute.", 3.8),
    ("Three men are playing chess.", "Two men are playing chess.", 2.6),
    ("A woman is slicing an onion.", "A man is dancing in the rain.", 0.2),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--output", default=str(pathlib.Path(__file__).resolve().parents[2]
                                            / "Tests/SiameseTestSupport/Fixtures/minilm_gradient_reference.json"))
    args = ap.parse_args()
    torch.manual_seed(0)
    model = SentenceTransformer(str(pathlib.Path(args.model).expanduser()), device="cpu")
    model.eval()
    loss = CoSENTLoss(model)
    feats = [model.tokenize([p[0] for p in PAIRS]), model.tokenize([p[1] for p in PAIRS])]
    labels = torch.tensor([p[2] / 5 for p in PAIRS])
    value = loss(feats, labels)
    model.zero_grad()
    value.backward()

    used = sorted({int(t) for f in feats for t in f["input_ids"].flatten().tolist()})
    bert = model[0].auto_model
    grads = {}
    for name, p in bert.named_parameters():
        if p.grad is None:
            continue
        g = p.grad.detach().double().flatten()
        n = g.numel()
        if name == "embeddings.word_embeddings.weight":
            width = p.shape[1]
            rows = used[:: max(1, len(used) // 6)][:6]
            idx = [r * width + c for r in rows for c in (0, width // 3, 2 * width // 3, width - 1)]
        elif name == "embeddings.position_embeddings.weight":
            width = p.shape[1]
            idx = [r * width + c for r in range(0, 12, 2) for c in (0, width // 3, 2 * width // 3, width - 1)]
        else:
            idx = sorted({(i * 7919 + 13) % n for i in range(24)})
        grads[name] = {"norm": g.norm().item(), "indices": idx, "values": [g[i].item() for i in idx]}
    out = {
        "model": "sentence-transformers/all-MiniLM-L6-v2",
        "loss": "CoSENTLoss(scale=20), targets score/5, model.eval()",
        "first": [p[0] for p in PAIRS],
        "second": [p[1] for p in PAIRS],
        "scores": [p[2] for p in PAIRS],
        "loss_value": value.item(),
        "gradients": grads,
    }
    pathlib.Path(args.output).write_text(json.dumps(out, indent=1) + "\n")
    print(f"loss {value.item():.6f}, {len(grads)} parameters -> {args.output}")


if __name__ == "__main__":
    main()
