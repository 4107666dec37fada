"""MinHash signatures stay those datasketch 2.x wrote, so stored signatures remain comparable.

The expected hash values in ``fixtures/minhash_signatures.json`` were written by
``datasketch.MinHash(num_perm, seed, hashfunc=zlib.crc32)`` (its default ``affine32`` scheme)
over the same shingles: English, Chinese, mixed scripts, a text shorter than a shingle, an
empty text, and another permutation count and seed.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage.fingerprints import (
    NearDupConfig,
    estimated_jaccard,
    lsh_buckets,
    minhash,
    shingles,
    signature_bytes,
)

CASES = json.loads((Path(__file__).parent / "fixtures" / "minhash_signatures.json").read_text())


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_signature_matches_the_stored_scheme(case):
    config = NearDupConfig(
        num_perm=case["num_perm"], bands=case["num_perm"] // 4, seed=case["seed"]
    )
    signature = minhash(case["text"], config)
    assert signature.dtype == np.uint32
    assert [int(v) for v in signature] == case["hashvalues"]
    stored = np.frombuffer(signature_bytes(signature), dtype=np.uint64)
    assert stored.tolist() == case["hashvalues"]
    assert len(lsh_buckets(stored, config)) == config.bands


def test_similar_texts_estimate_high_and_different_texts_low():
    config = NearDupConfig()
    base = CASES[0]["text"]
    near = minhash(base + " Thirst is a late signal.", config)
    far = minhash(CASES[-1]["text"], config)
    original = minhash(base, config)
    assert estimated_jaccard(original, near) > 0.7
    assert estimated_jaccard(original, far) < 0.1


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(st.characters(codec="utf-8"), max_size=400),
    num_perm=st.sampled_from([16, 64, 128]),
    seed=st.integers(0, 2**16),
)
def test_signature_equals_datasketch_on_any_text(text, num_perm, seed):
    """The library itself is the reference: any text, any permutation count and seed."""
    datasketch = pytest.importorskip("datasketch")
    reference = datasketch.MinHash(num_perm=num_perm, seed=seed, hashfunc=zlib.crc32)
    reference.update_batch(shingles(text))
    config = NearDupConfig(num_perm=num_perm, bands=num_perm // 4, seed=seed)
    assert minhash(text, config).tolist() == reference.hashvalues.tolist()
