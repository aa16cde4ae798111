"""Embedders: normalised vectors, the real MiniLM offline, and the content-hash disk cache."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from knowledge.embeddings import CachedEmbedder, HashingEmbedder, SentenceTransformerEmbedder, Vectors


class CountingEmbedder:
    """Counts the texts it is asked to embed, to prove cache hits."""

    name = "counting"

    def __init__(self) -> None:
        self.inner = HashingEmbedder(32)
        self.seen: list[str] = []

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.seen.extend(texts)
        return self.inner.embed(texts)


def test_cache_hits_skip_the_model_even_after_a_restart(tmp_path: Path) -> None:
    counting = CountingEmbedder()
    cached = CachedEmbedder(counting, tmp_path)
    first = cached.embed(["alpha", "beta", "alpha"])
    assert counting.seen == ["alpha", "beta"]  # duplicates embedded once
    again = CachedEmbedder(counting, tmp_path).embed(["beta", "alpha", "gamma"])
    assert counting.seen == ["alpha", "beta", "gamma"]
    np.testing.assert_allclose(again[0], first[1])
    np.testing.assert_allclose(again[1], first[0])
    assert cached.misses == 2 and cached.hits == 1


def test_cache_key_includes_the_model_name(tmp_path: Path) -> None:
    a = CachedEmbedder(HashingEmbedder(16), tmp_path)
    b = CachedEmbedder(HashingEmbedder(32), tmp_path)
    assert a.key("text") != b.key("text")
    assert a.embed(["text"]).shape == (1, 16) and b.embed(["text"]).shape == (1, 32)


def test_hashing_embedder_is_normalised_and_deterministic() -> None:
    embedder = HashingEmbedder(64)
    vectors = embedder.embed(["free shipping over $50", "免费配送", ""])
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(vectors, embedder.embed(["free shipping over $50", "免费配送", ""]))


def test_minilm_loads_offline_by_name(minilm: SentenceTransformerEmbedder) -> None:
    assert minilm.loaded and minilm.dim == 384 and minilm.languages == frozenset({"en"})
    vectors = minilm.embed(["How long does delivery take?", "Shipping takes 3-5 business days.", "I like jazz."])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_default_embedder_is_lazy() -> None:
    embedder = SentenceTransformerEmbedder()
    assert not embedder.loaded and embedder.dim == 384 and not embedder.loaded
