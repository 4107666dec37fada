"""Raw response bodies, compressed with zstd and addressed by their sha256."""

from __future__ import annotations

import zstandard

from storage import models as m

_compressor = zstandard.ZstdCompressor(level=6)
"""Level 6: most of zstd's ratio on HTML at a fraction of the high levels' cost."""
_decompressor = zstandard.ZstdDecompressor()


def compress(body: bytes) -> bytes:
    return _compressor.compress(body)


def decompress(blob: m.Blob) -> bytes:
    return decompress_data(blob.compression, blob.data)


def decompress_data(compression: str, data: bytes) -> bytes:
    if compression != "zstd":
        raise ValueError(f"unknown blob compression {compression!r}")
    return _decompressor.decompress(data)
