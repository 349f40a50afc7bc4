"""Integrity checks for scripts/fault-injection.sh, independent of the Swift code that wrote the files.

    check.py checkpoint FOLDER     checkpoint.json + model.safetensors (+ optimizer.safetensors), all complete
    check.py model FOLDER          a model folder: modules.json, similarity.json, model.json whose SHA-256 match
    check.py run FOLDER            every checkpoint/, last/ and model/ present in a run folder; prints the epochs of last/
    check.py gallery FILE NAMES    a SQLite gallery passes integrity_check and holds every name listed in file NAMES

Exit status 0 when intact; otherwise it prints what is broken and exits 1. Only the standard library is used.
"""
import hashlib
import json
import math
import os
import sqlite3
import struct
import sys


class Broken(Exception):
    pass


def safetensors(path):
    data = open(path, "rb").read()
    if len(data) < 8:
        raise Broken(f"{path}: {len(data)} bytes, shorter than the header length")
    (n,) = struct.unpack("<Q", data[:8])
    if 8 + n > len(data):
        raise Broken(f"{path}: header of {n} bytes runs past the end")
    header = json.loads(data[8 : 8 + n])
    body = len(data) - 8 - n
    end = 0
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        start, stop = entry["data_offsets"]
        count = math.prod(entry["shape"])
        size = {"F32": 4, "I64": 8}.get(entry["dtype"], 0)
        if stop > body or stop - start != count * size:
            raise Broken(f"{path}: tensor {name} does not fit the data ({start}..{stop} of {body})")
        if entry["dtype"] == "F32":
            values = struct.unpack(f"<{count}f", data[8 + n + start : 8 + n + stop])
            if not all(math.isfinite(v) for v in values):
                raise Broken(f"{path}: tensor {name} holds NaN or infinity")
        end = max(end, stop)
    if end != body:
        raise Broken(f"{path}: {body} data bytes, the header accounts for {end}")


def checkpoint(folder):
    info = json.load(open(os.path.join(folder, "checkpoint.json")))
    safetensors(os.path.join(folder, "model.safetensors"))
    if info.get("optimizer"):
        safetensors(os.path.join(folder, "optimizer.safetensors"))
    history = info.get("metadata", {}).get("history")
    return len(json.loads(history)) if history else 0


def model(folder):
    for name in ("modules.json", "similarity.json"):
        json.load(open(os.path.join(folder, name)))
    info = json.load(open(os.path.join(folder, "model.json")))
    if not info.get("weights"):
        raise Broken(f"{folder}: model.json lists no weights")
    for relative, digest in info["weights"].items():
        path = os.path.join(folder, relative)
        safetensors(path)
        if hashlib.sha256(open(path, "rb").read()).hexdigest() != digest:
            raise Broken(f"{path}: SHA-256 differs from model.json")


def run(folder):
    epochs = -1
    for name in ("checkpoint", "last"):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            e = checkpoint(path)
            if name == "last":
                epochs = e
    if os.path.exists(os.path.join(folder, "model")):
        model(os.path.join(folder, "model"))
    for name in ("config.json", "metrics.json"):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            json.load(open(path))
    print(epochs)


def gallery(path, names_file):
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    (status,) = connection.execute("PRAGMA integrity_check").fetchone()
    if status != "ok":
        raise Broken(f"{path}: integrity_check says {status}")
    tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    table = "gallery_identity" if "gallery_identity" in tables else next((t for t in tables if "identit" in t), None)
    if table is None:
        raise Broken(f"{path}: no identities table among {tables}")
    stored = {row[0] for row in connection.execute(f"SELECT name FROM {table}")}
    committed = {line.strip() for line in open(names_file) if line.strip()}
    missing = committed - stored
    if missing:
        raise Broken(f"{path}: {len(missing)} enrolls reported as committed are missing, e.g. {sorted(missing)[:3]}")
    print(len(stored))


if __name__ == "__main__":
    kind, *args = sys.argv[1:]
    try:
        {"checkpoint": lambda f: print(checkpoint(f)), "model": model, "run": run, "gallery": gallery}[kind](*args)
    except (Broken, OSError, ValueError, KeyError, sqlite3.Error) as error:
        print(f"BROKEN: {error}")
        sys.exit(1)
