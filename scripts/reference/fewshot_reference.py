"""Reference values of the few-shot heads and losses for SiameseMetricLearning's tests, computed independently in
PyTorch (float64, inputs and weights rounded to float32 first so both sides start from the same numbers).

Writes Tests/SiameseTestSupport/Fixtures/fewshot_reference.json. Run in the peer venv:
    ~/.cache/siamese-peers/venv/bin/python scripts/reference/fewshot_reference.py

One episode (3 ways x 2 shots, 4 queries) of 36-d embeddings (read by the relation module as 4 maps of 3x3):
- prototypical: softmax over -squared Euclidean distances to class means (Snell et al. 2017);
- matching: softmax over scaled cosine similarities, attention summed per class (Vinyals et al. 2016), plain and with
  full-context embeddings on the first 8 dimensions (bidirectional LSTM over the support set; attention LSTM whose
  state is h + r, 2 steps);
- relation: [query maps ‖ summed class maps] -> two conv blocks (conv 3x3 pad 1, batch-norm in training mode, ReLU,
  max-pool 2 while the maps are >= 2x2) -> Linear(…, 8) -> ReLU -> Linear(8, 1) -> sigmoid; MSE on one-hot
  (Sung et al. 2018); also the loss's gradients with respect to the embeddings and every weight;
- koch: logit = w . |a - b| + b, binary cross-entropy with logits over every (query, support) pair; class scores are
  the mean logit over a class's support items (Koch et al. 2015).
Weights are given by parameter name (PyTorch names, which SiameseKit's modules share).
"""
import json
import pathlib

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(17)
D, C, SIDE = 36, 4, 3
support_classes = [0, 1, 2, 0, 1, 2]
query_classes = [2, 0, 1, 1]
ways = 3


def r32(t):
    return t.float().double()


support = r32(torch.randn(len(support_classes), D))
query = r32(torch.randn(len(query_classes), D))
S = torch.tensor(support_classes)
Q = torch.tensor(query_classes)
onehot_s = F.one_hot(S, ways).double()          # [s, ways]
onehot_q = F.one_hot(Q, ways).double()          # [q, ways]


def rounded(module):
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(r32(p))
    return module.double()


def weights(module, prefix=""):
    return {prefix + k: {"shape": list(v.shape), "values": v.detach().flatten().tolist()} for k, v in module.named_parameters()}


def ce(log_p):
    return float(-(log_p * onehot_q).sum(1).mean().detach())


out = {"support": support.tolist(), "supportClasses": support_classes, "query": query.tolist(), "queryClasses": query_classes}

# Prototypical.
protos = (onehot_s.T @ support) / onehot_s.sum(0)[:, None]
logits = -torch.cdist(query, protos) ** 2
out["prototypical"] = {"loss": ce(F.log_softmax(logits, 1)), "scores": logits.tolist()}


# Matching, plain.
def matching_log_p(f, g, scale):
    att = F.softmax(scale * (F.normalize(f, dim=1) @ F.normalize(g, dim=1).T), 1)
    return torch.log(att @ onehot_s + 1e-12)


lp = matching_log_p(query, support, 1.0)
out["matching"] = {"scale": 1.0, "loss": ce(lp), "scores": lp.detach().tolist()}
lp = matching_log_p(query, support, 10.0)
out["matchingScaled"] = {"scale": 10.0, "loss": ce(lp), "scores": lp.detach().tolist()}

# Matching with full-context embeddings, on the first FCE_D dimensions (keeps the LSTM weights small).
FCE_D = 8
fs, fq = support[:, :FCE_D], query[:, :FCE_D]
support_reader = rounded(nn.LSTM(FCE_D, FCE_D, batch_first=True, bidirectional=True))
query_reader = rounded(nn.LSTM(FCE_D, FCE_D, batch_first=True))
STEPS = 2
out_s, _ = support_reader(fs[None])
g = fs + out_s[0, :, :FCE_D] + out_s[0, :, FCE_D:]
h = torch.zeros(len(query_classes), FCE_D, dtype=torch.float64)
c = torch.zeros(1, len(query_classes), FCE_D, dtype=torch.float64)
r = torch.zeros_like(h)
for _ in range(STEPS):
    _, (h_next, c) = query_reader(fq[:, None, :], ((h + r)[None], c))
    h = h_next[0] + fq
    r = F.softmax(h @ g.T, 1) @ g
lp = matching_log_p(h, g, 1.0)
w = weights(support_reader, "fullContext.supportReader.")
w.update(weights(query_reader, "fullContext.queryReader."))
out["matchingFullContext"] = {"scale": 1.0, "steps": STEPS, "size": FCE_D, "weights": w, "loss": ce(lp), "scores": lp.detach().tolist()}


# Relation.
class Relation(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.Sequential(nn.Conv2d(2 * C, C, 3, padding=1), nn.BatchNorm2d(C), nn.ReLU(), nn.MaxPool2d(2),
                                    nn.Conv2d(C, C, 3, padding=1), nn.BatchNorm2d(C), nn.ReLU(), nn.Flatten())
        self.fc1 = nn.Linear(C, 8)
        self.fc2 = nn.Linear(8, 1)

    def forward(self, a, b):
        x = torch.cat([a.reshape(-1, C, SIDE, SIDE), b.reshape(-1, C, SIDE, SIDE)], 1)
        return torch.sigmoid(self.fc2(F.relu(self.fc1(self.blocks(x))))).reshape(-1)


rel = rounded(Relation()).train()
with torch.no_grad():   # non-trivial batch-norm affine parameters
    for bn in (rel.blocks[1], rel.blocks[5]):
        bn.weight.copy_(r32(1 + 0.3 * torch.randn(C)))
        bn.bias.copy_(r32(0.2 * torch.randn(C)))
support_leaf = support.clone().requires_grad_(True)
query_leaf = query.clone().requires_grad_(True)
classes = onehot_s.T @ support_leaf                # summed per class
nq = len(query_classes)
left = query_leaf.repeat_interleave(ways, 0)
right = classes.repeat(nq, 1)
scores = rel(left, right).reshape(nq, ways)
relation_loss = ((scores - onehot_q) ** 2).mean()
relation_loss.backward()                           # gradients of the loss: embeddings and every weight
out["relation"] = {"channels": C, "side": SIDE, "hidden": 8, "weights": weights(rel, "relation."),
                   "loss": float(relation_loss.detach()), "scores": scores.detach().tolist(),
                   "supportGrad": support_leaf.grad.tolist(), "queryGrad": query_leaf.grad.tolist(),
                   "weightGrads": {"relation." + k: v.grad.flatten().tolist() for k, v in rel.named_parameters()}}

# Koch.
head = rounded(nn.Linear(D, 1))
ns = len(support_classes)
a = query.repeat_interleave(ns, 0)
b = support.repeat(nq, 1)
z = head((a - b).abs()).reshape(-1)
same = (Q.repeat_interleave(ns) == S.repeat(nq)).double()
koch_scores = (z.reshape(nq, ns) @ (onehot_s / onehot_s.sum(0)))
out["koch"] = {"weights": weights(head, "head.out."), "loss": float(F.binary_cross_entropy_with_logits(z, same).detach()),
               "scores": koch_scores.detach().tolist()}

path = pathlib.Path(__file__).resolve().parents[2] / "Tests/SiameseTestSupport/Fixtures/fewshot_reference.json"
path.write_text(json.dumps(out) + "\n")
print("wrote", path, {k: v["loss"] for k, v in out.items() if isinstance(v, dict)})
