"""Writes python_written.safetensors with the Python `safetensors` package (plus torch for BF16/F16),
and python_written.json with the values each tensor must decode to. Run once; both outputs are committed:
    ~/.cache/siamese-peers/venv/bin/python make_python_fixture.py
"""
import json
import numpy as np
import torch
from safetensors.torch import save_file

rng = np.random.default_rng(7)
tensors = {
    "encoder.fc.weight": torch.from_numpy(rng.standard_normal((3, 4)).astype(np.float32)),
    "encoder.fc.bias": torch.from_numpy(rng.standard_normal(4).astype(np.float32)).to(torch.float16),
    "head.weight": torch.from_numpy(rng.standard_normal((2, 3)).astype(np.float32)).to(torch.bfloat16),
    "norm.num_batches_tracked": torch.tensor(12345678901, dtype=torch.int64),
    "ids": torch.tensor([[1, -2, 3], [4, 5, -6]], dtype=torch.int32),
    "scale": torch.tensor([0.5], dtype=torch.float64),
}
save_file(tensors, "python_written.safetensors", metadata={"written_by": "safetensors-python", "format": "pt"})
names = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64", torch.int32: "I32",
         torch.float64: "F64"}
expected = {k: {"dtype": names[v.dtype], "shape": list(v.shape), "values": v.to(torch.float64).flatten().tolist()}
            for k, v in tensors.items()}
with open("python_written.json", "w") as f:
    json.dump(expected, f, indent=1, sort_keys=True)
