"""Content fingerprints: an exact hash for "same content" and MinHash for "nearly the same".

Both are pure functions of extracted text so the pipelines (at crawl time) and ``reparse``
(offline) compute identical values.

The MinHash is datasketch's (2.x, its default ``affine32`` scheme, ``crc32`` as the shingle
hash) computed here in a few numpy lines: signatures already stored stay comparable, the
per-seed permutations are drawn once per process instead of once per page, and a crawl does not
import datasketch, whose import (scipy with it) took longer than a short crawl.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

WORD = re.compile(r"\w+", re.UNICODE)
CJK = re.compile(r"[\u3400-\u9fff]")
SHINGLE_WORDS = 3


@dataclass(frozen=True)
class NearDupConfig:
    """LSH parameters: ``bands * rows == num_perm``; candidates are verified at ``threshold``."""

    threshold: float = 0.7
    num_perm: int = 128
    bands: int = 32
    seed: int = 1

    @property
    def rows(self) -> int:
        return self.num_perm // self.bands


def normalize_text(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def content_hash(headline: str, body: str, advice: Iterable[tuple[int, str]]) -> str:
    """What makes two fetches "the same article content": title, body and printed advice."""
    digest = hashlib.sha256()
    digest.update(normalize_text(headline).encode())
    digest.update(b"\x00")
    digest.update(normalize_text(body).encode())
    for number, text in advice:
        digest.update(f"\x00{number}\x01{normalize_text(text)}".encode())
    return digest.hexdigest()


def tokens(text: str) -> list[str]:
    """Words for Latin scripts; single characters for CJK, which has no spaces between words."""
    out: list[str] = []
    for word in WORD.findall(text.lower()):
        if CJK.search(word):
            out.extend(word)
        else:
            out.append(word)
    return out


def shingles(text: str, size: int = SHINGLE_WORDS) -> list[bytes]:
    words = tokens(text)
    if len(words) <= size:
        return [" ".join(words).encode()]
    return [" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)]


@functools.cache
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Random affine bijections ``h -> a * h + b mod 2**32`` (odd ``a``), drawn as datasketch
    draws them for ``seed``."""
    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer: spreads crc32's weak bits before the permutations."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def minhash(text: str, config: NearDupConfig) -> np.ndarray:
    """The text's MinHash: per permutation, the least permuted hash of its shingles (uint32)."""
    a, b = _permutations(config.num_perm, config.seed)
    hashed = np.fromiter((zlib.crc32(s) for s in shingles(text)), dtype=np.uint32)
    mixed = _fmix32(hashed).reshape(-1, 1)
    return np.asarray((mixed * a + b).min(axis=0), dtype=np.uint32)


def signature_bytes(signature: np.ndarray) -> bytes:
    return signature.astype(np.uint64).tobytes()


def lsh_buckets(hashvalues: np.ndarray, config: NearDupConfig) -> list[int]:
    """One 63-bit bucket per band, so the bucket fits a signed BIGINT on every backend."""
    rows = config.rows
    buckets = []
    for band in range(config.bands):
        chunk = hashvalues[band * rows : (band + 1) * rows].tobytes()
        buckets.append(int.from_bytes(hashlib.blake2b(chunk, digest_size=8).digest()) >> 1)
    return buckets


def estimated_jaccard(a: np.ndarray, b: Sequence[int] | np.ndarray) -> float:
    return float(np.count_nonzero(a == np.asarray(b, dtype=np.uint64)) / a.size)
