"""How AT&T faces verification of unseen people depends on the number of training people (issue 17's 3 % EER target):
the Fisherfaces reference of att_fisherfaces.py, whose functions it imports (scikit-learn PCA, at most 60 components, then
LinearDiscriminantAnalysis, portraits area-averaged by 8×8 blocks) fitted on random subsets of 8…32 of the 32 people
the faces recipes may train on (20 draws each, seeded), measured on the same 8 test people (s13 s18 s22 s27 s31 s36 s40
s9, all 3,160 pairs, L2-normalised features, Euclidean distance); then, with all 32, the EER with each test person left
out (does one person dominate the errors?).

    ~/.cache/siamese-peers/venv/bin/python scripts/reference/att_fisherfaces_scaling.py [../shared/datasets/att-faces]
"""
import numpy as np

from att_fisherfaces import features, fisherfaces, test, train, verification

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
