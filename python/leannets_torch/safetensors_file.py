"""Reads and writes safetensors files with torch alone (Debian has no python3-safetensors): an 8-byte
little-endian header length, a JSON header naming each tensor's dtype, shape and byte range, then the data."""
import json
import os
import struct

import torch

_DTYPES = {
    "F64": torch.float64,
    "F32": torch.float32,
    "F16": torch.float16,
    "BF16": torch.bfloat16,
    "I64": torch.int64,
    "I32": torch.int32,
    "I16": torch.int16,
    "I8": torch.int8,
    "U8": torch.uint8,
    "BOOL": torch.bool,
}
_NAMES = {v: k for k, v in _DTYPES.items()}
_SIZES = {dtype: torch.empty(0, dtype=dtype).element_size() for dtype in _DTYPES.values()}


def load_file(path):
    """The file's tensors: views of one tensor holding the whole file (read once, no per-tensor copies)."""
    size = os.path.getsize(path)
    if size < 8:
        raise ValueError(f"{path}: truncated safetensors file")
    raw = torch.from_file(path, shared=False, size=size, dtype=torch.uint8)
    (length,) = struct.unpack("<Q", bytes(raw[:8].tolist()))
    if length > size - 8:
        raise ValueError(f"{path}: not a safetensors file (header length {length})")
    header = json.loads(bytes(raw[8 : 8 + length].tolist()))
    start = 8 + length
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        if start + end > size:
            raise ValueError(f"{path}: truncated safetensors file")
        dtype = _DTYPES[info["dtype"]]
        piece = raw[start + begin : start + end]
        if (start + begin) % _SIZES[dtype]:
            piece = piece.clone()  # a view must start on an element boundary
        tensors[name] = piece.view(dtype).reshape(info["shape"])
    return tensors


def save_file(tensors, path, metadata=None):
    """Writes atomically: a temporary file renamed over the target."""
    header, chunks, offset = {}, [], 0
    for name, tensor in tensors.items():
        t = tensor.detach().contiguous().cpu()
        raw = t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b""
        header[name] = {"dtype": _NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)
    temp = path + ".tmp"
    with open(temp, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for raw in chunks:
            f.write(raw)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temp, path)
