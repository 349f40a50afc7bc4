"""A classical reference for AT&T faces verification of unseen people (issue 17): Fisherfaces, i.e. scikit-learn's
PCA (60 components) then LinearDiscriminantAnalysis fitted on the 32 people the faces recipes may train on, applied
to the 8 test people (every fifth folder in byte order: s13 s18 s22 s27 s31 s36 s40 s9), portraits area-averaged by
8×8 blocks; every pair of the 80 test portraits scored by Euclidean distance of L2-normalised features; ROC-AUC and EER.
att_fisherfaces_scaling.py imports the functions below.

    ~/.cache/siamese-peers/venv/bin/python scripts/reference/att_fisherfaces.py [../shared/datasets/att-faces]
"""
import os
import sys

import numpy as np
from sklearn.decomposition import PCA
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.metrics import roc_auc_score, roc_curve

root = sys.argv[1] if len(sys.argv) > 1 else "../shared/datasets/att-faces"
people = sorted(d for d in os.listdir(root) if d.startswith("s"))
# The split of recipes/att-faces-verification.yaml (testFraction 0.2 over the folders in byte order).
test = [p for i, p in enumerate(people) if i % 5 == 4]
train = [p for i, p in enumerate(people) if i % 5 != 4]


def portrait(person, i, block=8):
    with open(f"{root}/{person}/{i}.pgm", "rb") as f:
        _, size, _, pixels = f.read().split(b"\n", 3)
    w, h = map(int, size.split())
    im = np.frombuffer(pixels, dtype=np.uint8)[: w * h].reshape(h, w).astype(np.float32) / 255
    h, w = h // block * block, w // block * block
    return im[:h, :w].reshape(h // block, block, w // block, block).mean((1, 3)).ravel()


def features(group):
    """The ten portraits of each person in `group` and their labels 0..<len(group)."""
    return (np.array([portrait(p, i) for p in group for i in range(1, 11)]),
            np.array([j for j, _ in enumerate(group) for _ in range(10)]))


def fisherfaces(group, x):
    """PCA (at most 60 components) and LDA fitted on the people in `group`, applied to `x`."""
    xr, yr = features(group)
    pca = PCA(min(60, len(xr) - len(group))).fit(xr)
    return LinearDiscriminantAnalysis().fit(pca.transform(xr), yr).transform(pca.transform(x))


def verification(f, y):
    """EER and ROC-AUC over every pair of rows of `f` (L2-normalised, scored by negative squared distance)."""
    f = f / np.linalg.norm(f, axis=1, keepdims=True)
    iu = np.triu_indices(len(y), 1)
    same, score = (y[:, None] == y[None])[iu], -((f[:, None] - f[None]) ** 2).sum(-1)[iu]
    fpr, tpr, _ = roc_curve(same, score)
    k = np.argmin(abs(fpr - (1 - tpr)))
    return (fpr[k] + 1 - tpr[k]) / 2, roc_auc_score(same, score)


if __name__ == "__main__":
    xt, yt = features(test)
    eer, auc = verification(fisherfaces(train, xt), yt)
    print(f"Fisherfaces (PCA 60 + LDA on {len(train)} people), {len(test)} test people, {len(yt) * (len(yt) - 1) // 2} pairs: "
          f"ROC-AUC {auc:.4f}, EER {eer:.4f}")
