"""How AT&T faces verification of unseen people depends on the number of training people (issue 17's 3 % EER target):
the Fisherfaces reference of att_fisherfaces.py (scikit-learn PCA, at most 60 components, then
LinearDiscriminantAnalysis, portraits area-averaged by 8×8 blocks) fitted on random subsets of 8…32 of the 32 people
the faces recipes may train on (20 draws each, seeded), measured on the same 8 test people (s13 s18 s22 s27 s31 s36 s40
s9, all 3,160 pairs, L2-normalised features, Euclidean distance); then, with all 32, the EER with each test person left
out (does one person dominate the errors?).

    ~/.cache/siamese-peers/venv/bin/python scripts/reference/att_fisherfaces_scaling.py [../shared/datasets/att-faces]
"""
import os
import sys

import numpy as np
from sklearn.decomposition import PCA
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.metrics import roc_auc_score, roc_curve

root = sys.argv[1] if len(sys.argv) > 1 else "../shared/datasets/att-faces"
people = sorted(d for d in os.listdir(root) if d.startswith("s"))


def portrait(person, i, block=8):
    with open(f"{root}/{person}/{i}.pgm", "rb") as f:
        _, size, _, pixels = f.read().split(b"\n", 3)
    w, h = map(int, size.split())
    im = np.frombuffer(pixels, dtype=np.uint8)[: w * h].reshape(h, w).astype(np.float32) / 255
    h, w = h // block * block, w // block * block
    return im[:h, :w].reshape(h // block, block, w // block, block).mean((1, 3)).ravel()


def features(group):
    return (np.array([portrait(p, i) for p in group for i in range(1, 11)]),
            np.array([j for j, _ in enumerate(group) for _ in range(10)]))


def fisherfaces(group, x):
    xr, yr = features(group)
    pca = PCA(min(60, len(xr) - len(group))).fit(xr)
    return LinearDiscriminantAnalysis().fit(pca.transform(xr), yr).transform(pca.transform(x))


def verification(f, y):
    f = f / np.linalg.norm(f, axis=1, keepdims=True)
    iu = np.triu_indices(len(y), 1)
    same, score = (y[:, None] == y[None])[iu], -((f[:, None] - f[None]) ** 2).sum(-1)[iu]
    fpr, tpr, _ = roc_curve(same, score)
    k = np.argmin(abs(fpr - (1 - tpr)))
    return (fpr[k] + 1 - tpr[k]) / 2, roc_auc_score(same, score)


test = [p for i, p in enumerate(people) if i % 5 == 4]
train = [p for i, p in enumerate(people) if i % 5 != 4]
xt, yt = features(test)
rng = np.random.default_rng(0)
for n in range(8, len(train) + 1, 4):
    draws = [train] if n == len(train) else [list(rng.choice(train, n, replace=False)) for _ in range(20)]
    eers = [verification(fisherfaces(g, xt), yt)[0] for g in draws]
    print(f"{n} training people ({len(draws)} draws): EER mean {np.mean(eers):.4f}, range {min(eers):.4f}-{max(eers):.4f}")
f = fisherfaces(train, xt)
for j, p in enumerate(test):
    keep = yt != j
    print(f"all 32 training people, test person {p} left out: EER {verification(f[keep], yt[keep])[0]:.4f}")
