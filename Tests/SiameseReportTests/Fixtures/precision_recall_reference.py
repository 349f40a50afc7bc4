"""Writes precision_recall_reference.json: scikit-learn's precision_recall_curve and average_precision_score on the
1,000 seeded scores of Tests/SiameseTestSupport/Fixtures/metrics_reference.json.

Run in the peer venv from the repository root:
    ~/.cache/siamese-peers/venv/bin/python Tests/SiameseReportTests/Fixtures/precision_recall_reference.py
"""
import json
import pathlib

import sklearn
from sklearn.metrics import average_precision_score, precision_recall_curve

root = pathlib.Path(__file__).resolve().parents[3]
source = json.loads((root / "Tests/SiameseTestSupport/Fixtures/metrics_reference.json").read_text().replace("Infinity", "1e308"))
labels, scores = source["labels"], source["scores"]
precision, recall, thresholds = precision_recall_curve(labels, scores)
out = {
    "sklearn": sklearn.__version__,
    "source": "labels and scores of Tests/SiameseTestSupport/Fixtures/metrics_reference.json",
    "convention": "precision_recall_curve: increasing thresholds, a final (precision 1, recall 0) point without threshold",
    "precision": precision.tolist(),
    "recall": recall.tolist(),
    "thresholds": thresholds.tolist(),
    "average_precision": float(average_precision_score(labels, scores)),
}
(pathlib.Path(__file__).parent / "precision_recall_reference.json").write_text(json.dumps(out))
