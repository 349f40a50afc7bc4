"""A classical reference for AT&T faces verification of unseen people (issue 17): Fisherfaces, i.e. scikit-learn's
PCA (60 components) then LinearDiscriminantAnalysis fitted on the 32 people the faces recipes may train on, applied
to the 8 test people (every fifth folder in byte order: s13 s18 s22 s27 s31 s36 s40 s9), portraits area-averaged by
8×8 blocks; every pair of the 80 test portraits scored by Euclidean distance of L2-normalised features; ROC-AUC and EER.

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


def portrait(person, i, block):
    with open(f"{root}/{person}/{i}.pgm", "rb") as f:
        magic, size, depth, pixels = f.read().split(b"\n", 3)
    w, h = map(int, size.split())
    im = np.frombuffer(pixels, dtype=np.uint8)[: w * h].reshape(h, w).astype(np.float32) / 255
    h, w = h // block * block, w // block * block
    return im[:h, :w].reshape(h // block, block, w // block, block).mean((1, 3)).ravel()


def features(group, block=8):
    x = [portrait(p, i, block) for p in group for i in range(1, 11)]
    y = [j for j, _ in enumerate(group) for _ in range(10)]
    return np.array(x), np.array(y)


test = [p for i, p in enumerate(people) if i % 5 == 4]
train = [p for i, p in enumerate(people) if i % 5 != 4]
xr, yr = features(train)
xt, yt = features(test)
pca = PCA(60).fit(xr)
lda = LinearDiscriminantAnalysis().fit(pca.transform(xr), yr)
f = lda.transform(pca.transform(xt))
f /= np.linalg.norm(f, axis=1, keepdims=True)
d = ((f[:, None] - f[None]) ** 2).sum(-1)
iu = np.triu_indices(len(yt), 1)
same, score = (yt[:, None] == yt[None])[iu], -d[iu]
fpr, tpr, _ = roc_curve(same, score)
k = np.argmin(abs(fpr - (1 - tpr)))
print(f"Fisherfaces (PCA 60 + LDA on {len(train)} people), {len(test)} test people, {len(same)} pairs: "
      f"ROC-AUC {roc_auc_score(same, score):.4f}, EER {(fpr[k] + 1 - tpr[k]) / 2:.4f}")
