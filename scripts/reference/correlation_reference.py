"""Writes Tests/SiameseTestSupport/Fixtures/correlation_reference.json: Pearson and Spearman coefficients from
SciPy (scipy.stats.pearsonr / spearmanr) for seeded samples, with and without ties.
Run in the peer venv: ~/.cache/siamese-peers/venv/bin/python scripts/reference/correlation_reference.py"""
import json
import pathlib

import numpy as np
import scipy
from scipy import stats

rng = np.random.default_rng(14)
cases = []
for name, n, ties in [("small", 5, False), ("continuous", 200, False), ("ties", 300, True), ("sts_like", 1379, True)]:
    x = rng.normal(size=n)
    y = 0.6 * x + rng.normal(size=n)
    if ties:
        y = np.round(y * 2) / 2          # gold scores on a half-point grid, many ties
        x = np.round(x, 1)
    cases.append({
        "name": name,
        "x": [float(v) for v in x],
        "y": [float(v) for v in y],
        "pearson": float(stats.pearsonr(x, y).statistic),
        "spearman": float(stats.spearmanr(x, y).statistic),
    })
out = pathlib.Path(__file__).resolve().parents[2] / "Tests/SiameseTestSupport/Fixtures/correlation_reference.json"
out.write_text(json.dumps({"scipy": scipy.__version__, "numpy": np.__version__, "cases": cases}))
print(out)
