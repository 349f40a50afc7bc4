"""Writes the seed corpora under Fuzz/corpus/<target>/: small valid (and a few nearly valid) inputs per parser.

Run from the repository root with the peer venv's Python (Pillow, NumPy):
    ~/.cache/siamese-peers/venv/bin/python Fuzz/make_seed_corpus.py
The model-folder seeds come from the harness itself (`SIAMESE_FUZZ_SEEDS=Fuzz/corpus/model-folder`, see FuzzTargets).
"""
import base64
import gzip
import io
import json
import pathlib
import struct
import zipfile

import numpy as np
from PIL import Image

root = pathlib.Path("Fuzz/corpus")
rng = np.random.default_rng(18)


def put(target, name, data):
    folder = root / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def safetensors(tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, (dtype, shape, raw) in sorted(tensors.items()):
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":"))
    text += " " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text.encode() + b"".join(blobs)


# safetensors: every dtype, metadata, an empty tensor, a scalar.
f32 = rng.standard_normal((2, 3)).astype("<f4").tobytes()
put("safetensors", "f32.safetensors", safetensors({"weight": ("F32", [2, 3], f32)}, {"format": "pt"}))
put("safetensors", "mixed.safetensors", safetensors({
    "a": ("F16", [2], np.array([1.5, -2], "<f2").tobytes()),
    "b": ("BF16", [1], b"\x80\x3f"),
    "c": ("F64", [1], struct.pack("<d", 3.25)),
    "d": ("I64", [2], struct.pack("<qq", 7, -1)),
    "e": ("I32", [1], struct.pack("<i", 5)),
    "f": ("I16", [1], struct.pack("<h", -3)),
    "g": ("I8", [1], b"\xff"),
    "h": ("U8", [2], b"\x01\x02"),
    "i": ("BOOL", [1], b"\x01"),
    "empty": ("F32", [0, 4], b""),
    "scalar": ("F32", [], struct.pack("<f", 1)),
}))

# IDX: images and labels, plain and gzip.
images = bytes([0, 0, 8, 3]) + struct.pack(">III", 2, 3, 3) + bytes(rng.integers(0, 256, 18, dtype=np.uint8))
labels = bytes([0, 0, 8, 1]) + struct.pack(">I", 4) + bytes([0, 1, 2, 9])
put("idx", "images.idx", images)
put("idx", "labels.idx", labels)
put("idx-gzip", "images.idx.gz", gzip.compress(images, mtime=0))
put("idx-gzip", "labels.idx.gz", gzip.compress(labels, mtime=0))

# PNM: the image targets' first byte picks grey (< 0x80) or RGB, so seeds carry a leading mode byte where useful.
pixels = rng.integers(0, 256, (3, 4), dtype=np.uint8)
put("pnm", "p5.pgm", b"P5\n4 3\n255\n" + pixels.tobytes())
put("pnm", "p2.pgm", "P2\n# comment\n4 3\n255\n" + " ".join(map(str, pixels.flatten())) + "\n")
put("pnm", "p6.ppm", b"P6 2 2 255\n" + bytes(rng.integers(0, 256, 12, dtype=np.uint8)))
put("pnm", "p3.ppm", "P3\n1 2\n15\n1 2 3 4 5 6\n")
put("pnm", "p5-16bit.pgm", b"P5\n2 1\n65535\n\x12\x34\xff\xff")


def encoded(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


grey = Image.fromarray(rng.integers(0, 256, (6, 5), dtype=np.uint8), "L")
rgb = Image.fromarray(rng.integers(0, 256, (4, 6, 3), dtype=np.uint8), "RGB")
put("png", "grey.png", encoded(grey, "PNG"))
put("png", "rgb.png", encoded(rgb, "PNG"))
put("png", "rgba.png", encoded(rgb.convert("RGBA"), "PNG"))
put("png", "palette.png", encoded(rgb.convert("P"), "PNG"))
put("png", "grey16.png", encoded(Image.fromarray((rng.integers(0, 65536, (3, 3))).astype(np.uint16)), "PNG"))
put("png", "grey-alpha.png", encoded(grey.convert("LA"), "PNG"))
put("jpeg", "grey.jpg", encoded(grey, "JPEG", quality=80))
put("jpeg", "rgb.jpg", encoded(rgb, "JPEG", quality=80))
put("jpeg", "progressive.jpg", encoded(rgb.resize((17, 9)), "JPEG", quality=60, progressive=True))
put("jpeg", "cmyk.jpg", encoded(rgb.convert("CMYK"), "JPEG"))

# zip: an Omniglot-like archive (set/Alphabet/characterNN/id_drawer.png), stored and deflated.
for name, method in (("stored.zip", zipfile.ZIP_STORED), ("deflated.zip", zipfile.ZIP_DEFLATED)):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        archive.writestr(zipfile.ZipInfo("images_background/Greek/character01/0001_01.png"), encoded(grey, "PNG"))
        archive.writestr(zipfile.ZipInfo("images_background/Greek/character02/0002_01.png"), encoded(grey.rotate(90), "PNG"))
        archive.writestr(zipfile.ZipInfo("images_background/readme.txt"), "not an image")
    put("zip", name, buffer.getvalue())

# Recipes: the shipped ones, plus a few shapes of the same keys.
for path in sorted(pathlib.Path("recipes").iterdir()):
    target = "recipe-yaml" if path.suffix in (".yaml", ".yml") else "recipe-json"
    put(target, path.name, path.read_bytes())
put("recipe-json", "image.json", json.dumps({"data": "mnist", "encoder": {"kind": "conv4", "embeddingSize": 32},
                                             "loss": {"name": "contrastive", "margin": 1.0}, "epochs": 1, "batchSize": 8}))
put("recipe-json", "text.json", json.dumps({"kind": "text", "train": "train.tsv", "scratch": {"vocabulary": "vocab.txt"},
                                            "loss": "cosent", "epochs": 1}))
put("recipe-yaml", "image.yaml", "data: mnist\nencoder: conv4\nloss:\n  name: triplet-margin\n  margin: 0.2\nminer: hard\nepochs: 2\n")
put("recipe-yaml", "text.yaml", "kind: text\ntrain: train.tsv\nmodel: models/minilm\nloss: mnrl\nmaxSteps: 3\n")

# Tokenizer: first byte 0 = a vocab.txt, 1 = a tokenizer_config.json beside a fixed vocabulary.
vocab = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\nworld\nun\n##aff\n##able\n,\n!\n"
put("vocab", "vocab.txt", b"\x00" + vocab.encode())
put("vocab", "vocab-crlf.txt", b"\x00" + vocab.replace("\n", " \r\n").encode())
put("vocab", "config.json", b"\x01" + pathlib.Path("Tests/SiameseTextTests/Fixtures/tokenizer_config.json").read_bytes())
put("vocab", "config-tokens.json", b"\x01" + json.dumps({"do_lower_case": False, "strip_accents": True,
                                                          "unk_token": {"content": "[UNK]"}, "never_split": []}).encode())

# Text input.
put("text", "ascii.txt", "Hello, unaffable world!")
put("text", "unicode.txt", "Ünïcødé façade — 中文 text, naïve café ｆｕｌｌ ﾜｲﾄﾞ \u200b\u0301")
put("text", "controls.txt", b"tab\there\x00nul\x7f\xc2\x85next")

# HTTP request bodies (the JSON of every POST route).
pgm = b"P5\n2 2\n255\n\x00\x40\x80\xff"
image = base64.b64encode(pgm).decode()
bodies = {
    "compare.json": {"a": {"image": image}, "b": {"embedding": [0.1, -0.2, 0.3, 0.4]}, "threshold": 0.5},
    "compare-far.json": {"a": {"embedding": [1, 2, 3, 4]}, "b": {"embedding": [0, 0, 0, 0]}, "falseAcceptRate": 0.01},
    "embed.json": {"inputs": [{"image": image}, {"embedding": [1e-3, 2.5e10, -3.4e38, 0]}]},
    "enroll.json": {"name": "alice", "metadata": {"team": "a"}, "inputs": [{"image": image}], "model": "0" * 64},
    "verify.json": {"name": "alice", "input": {"image": image}, "aggregation": "mean", "threshold": 1.0},
    "identify.json": {"input": {"embedding": [0.5, 0.5, 0.5, 0.5]}, "k": 3, "falseAcceptRate": 0.001},
    "search.json": {"input": {"image": image}, "k": 10},
}
for name, body in bodies.items():
    put("http", name, json.dumps(body))
