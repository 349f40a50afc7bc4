"""Loads a folder written by SiameseKit (`siamese convert` / SentenceTransformer.save) with Python's
sentence-transformers and compares its embeddings with SiameseKit's (`siamese embed --text ... --output X.json`).
Usage (peer venv): python scripts/st-roundtrip.py SAVED_DIR SENTENCES.txt SIAMESEKIT.json"""
import json
import sys

import numpy as np
from sentence_transformers import SentenceTransformer

folder, sentences_path, ours_path = sys.argv[1:4]
sentences = [line.rstrip("\n") for line in open(sentences_path, encoding="utf-8")]
model = SentenceTransformer(folder, device="cpu")
theirs = model.encode(sentences, batch_size=32, convert_to_numpy=True)
ours = np.array([row["embedding"] for row in json.load(open(ours_path))], dtype=np.float32)
assert ours.shape == theirs.shape, (ours.shape, theirs.shape)
cos = (ours * theirs).sum(1) / (np.linalg.norm(ours, axis=1) * np.linalg.norm(theirs, axis=1))
diff = np.abs(ours - theirs).max()
print(f"sentence-transformers loaded {folder}: {len(sentences)} sentences, min cosine {cos.min():.8f}, max |diff| {diff:.3g}")
sys.exit(0 if cos.min() >= 0.9999 and diff <= 1e-4 else 1)
