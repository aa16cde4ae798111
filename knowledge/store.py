"""The Chroma collection holding chunks and their vectors: embedded on disk, or a `chroma run` server."""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence
from urllib.parse import urlparse

import numpy as np

from bot.errors import BackendError, ConfigError
from bot.settings import Settings
from knowledge.chunking import Chunk

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

    from knowledge.embeddings import Vectors

COLLECTION_PREFIX = "shopkeeper-"
#: The collection-metadata key of the knowledge version: every writer that changed the index sets a
#: new value, every reader compares it with the one it last loaded (see KnowledgeBase.sync).
VERSION_KEY = "knowledge_version"


def collection_name(space: str) -> str:
    """One collection per vector space: switching the embedding model starts a fresh index
    (Chroma fixes a collection's dimension; mixing models would silently ruin the ranking)."""
    slug = re.sub(r"[^a-zA-Z0-9._-]+", "-", space).strip("-._") or "default"
    return (COLLECTION_PREFIX + slug)[:200]


#: An id no chunk has (chunk ids are hashes of their source and position): see ChunkStore.catch_up.
_NO_SUCH_ID = "shopkeeper:catch-up:no-such-chunk"

#: A Chroma `where` clause.
Where = Mapping[str, Any]


@dataclass(frozen=True)
class SourceInfo:
    """What the store knows about one ingested document."""

    doc_hash: str
    kind: str
    root: str
    ids: tuple[str, ...] = ()
    """Its chunks' ids: an update or a removal deletes exactly these (no metadata scan)."""


def make_client(settings: Settings) -> ClientAPI:
    """HttpClient when settings.chroma_url is set, else a PersistentClient under the data dir."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url if "://" in settings.chroma_url else f"http://{settings.chroma_url}")
        if not url.hostname:
            raise ConfigError(f"SHOPKEEPER_CHROMA_URL={settings.chroma_url!r} is not a http://host:port URL")
        ssl = url.scheme == "https"
        port = url.port or (443 if ssl else 8000)
        try:
            return chromadb.HttpClient(host=url.hostname, port=port, ssl=ssl, settings=chroma_settings)
        except Exception as exc:  # connection refused, wrong version ... all mean the same to the operator
            raise BackendError(f"cannot reach the Chroma server at {settings.chroma_url}: {exc}") from exc
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)


class ChunkStore:
    """Chunks with explicit vectors in one cosine-space Chroma collection (never Chroma's own embedder)."""

    def __init__(self, client: ClientAPI, name: str, *, embedded: bool = False) -> None:
        self.client = client
        self.name = name
        self.embedded = embedded
        """Chroma runs in this process (PersistentClient): other processes' vectors need `catch_up`."""
        self.collection: Collection = client.get_or_create_collection(
            name,
            configuration={"hnsw": {"space": "cosine"}},
            # None: Chroma's default embedder downloads an ONNX model; we always pass vectors.
            embedding_function=None,
        )
        self._batch = max(1, min(client.get_max_batch_size(), 1000))

    @classmethod
    def open(cls, settings: Settings, space: str) -> ChunkStore:
        """The collection of vector space `space` (the embedder's name) in the configured Chroma."""
        return cls(make_client(settings), collection_name(space), embedded=not settings.chroma_url)

    def count(self) -> int:
        return self.collection.count()

    def version(self) -> str:
        """The knowledge version writers set (one metadata read: a few milliseconds); "" before any."""
        try:
            metadata = self.client.get_collection(self.name, embedding_function=None).metadata or {}
        except Exception as exc:
            raise BackendError(f"reading the knowledge version failed: {exc}") from exc
        return str(metadata.get(VERSION_KEY, ""))

    def bump_version(self) -> str:
        """Mark the index changed for every reader (other processes, other replicas); the new version."""
        value = f"{time.time_ns()}-{secrets.token_hex(4)}"
        try:
            self.collection.modify(metadata={VERSION_KEY: value})
        except Exception as exc:
            raise BackendError(f"recording the knowledge version failed: {exc}") from exc
        return value

    def catch_up(self) -> None:
        """Make this process's vector index see what other processes wrote to the same embedded store.

        Embedded Chroma (1.x) reads metadata straight from its SQLite file, but a query runs on the
        process's in-memory HNSW index, which applies the shared write log only when this process
        writes. Deleting an id that never exists is such a write, and changes nothing. A Chroma
        server holds one index for all its clients: nothing to do there."""
        if not self.embedded:
            return
        try:
            self.collection.delete(ids=[_NO_SUCH_ID])
        except Exception as exc:
            raise BackendError(f"catching up with the index failed: {exc}") from exc

    def add(self, chunks: Sequence[Chunk], vectors: Vectors) -> None:
        """Write chunks whose ids are not stored yet (cheaper than upsert: no existence check)."""
        self._write(self.collection.add, chunks, vectors)

    def upsert(self, chunks: Sequence[Chunk], vectors: Vectors) -> None:
        """Write chunks, replacing stored ones with the same id."""
        self._write(self.collection.upsert, chunks, vectors)

    def _write(self, method: Callable[..., None], chunks: Sequence[Chunk], vectors: Vectors) -> None:
        for start in range(0, len(chunks), self._batch):
            part = chunks[start : start + self._batch]
            method(
                ids=[c.id for c in part],
                embeddings=np.asarray(vectors[start : start + len(part)], dtype=np.float32),
                documents=[c.text for c in part],
                metadatas=[c.metadata() for c in part],
            )

    def delete_ids(self, ids: Sequence[str]) -> None:
        """Delete chunks by id (in pages: Chroma bounds a request's size)."""
        for start in range(0, len(ids), self._batch):
            self.collection.delete(ids=list(ids[start : start + self._batch]))

    def all_chunks(self, where: Where | None = None, *, texts: bool = True) -> list[Chunk]:
        """Every stored chunk (text + metadata, no vectors), paged so big stores stay in bounds.

        texts=False leaves the texts empty (reading metadata only is several times cheaper)."""
        chunks: list[Chunk] = []
        offset = 0
        while True:
            page = self.collection.get(
                where=dict(where) if where else None,
                include=["documents", "metadatas"] if texts else ["metadatas"],
                limit=self._batch,
                offset=offset,
            )
            ids = page["ids"]
            documents = page["documents"] or [""] * len(ids)
            metadatas = page["metadatas"] or []
            for chunk_id, text, meta in zip(ids, documents, metadatas):
                chunks.append(Chunk.from_metadata(chunk_id, text or "", dict(meta or {})))
            if len(ids) < self._batch:
                return chunks
            offset += len(ids)

    def sources(self) -> dict[str, SourceInfo]:
        """source -> hash, kind and root of every stored document."""
        ids: dict[str, list[str]] = {}
        first: dict[str, Chunk] = {}
        for chunk in self.all_chunks(texts=False):
            ids.setdefault(chunk.source, []).append(chunk.id)
            first.setdefault(chunk.source, chunk)
        return {
            source: SourceInfo(chunk.doc_hash, chunk.kind, chunk.root, tuple(ids[source]))
            for source, chunk in first.items()
        }

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of these chunks (by id: no metadata scan; unknown ids are left out)."""
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(ids), self._batch):
            try:
                page = self.collection.get(ids=list(ids[start : start + self._batch]), include=["embeddings"])
            except Exception as exc:
                raise BackendError(f"reading vectors failed: {exc}") from exc
            embeddings = page["embeddings"]
            if embeddings is None:
                continue
            for chunk_id, vector in zip(page["ids"], embeddings):
                found[chunk_id] = np.asarray(vector, dtype=np.float32)
        return found

    def query(self, vector: Vectors, n: int, where: Where | None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the n nearest chunks that pass the filter."""
        if n <= 0:
            return []
        try:
            result = self.collection.query(
                query_embeddings=np.asarray(vector, dtype=np.float32).reshape(1, -1),
                n_results=n,
                where=dict(where) if where else None,
                include=["distances"],
            )
        except Exception as exc:
            raise BackendError(f"vector search failed: {exc}") from exc
        ids = result["ids"][0] if result["ids"] else []
        distances = result["distances"][0] if result["distances"] else []
        # Chroma's cosine distance is 1 - cosine similarity.
        return [(i, 1.0 - float(d)) for i, d in zip(ids, distances)]
