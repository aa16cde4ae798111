"""Incremental ingestion: skip unchanged documents by content hash, replace changed ones, prune vanished ones."""

from __future__ import annotations

import hashlib
import queue
import threading
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

import numpy as np

from bot.errors import BackendError, ShopkeeperError
from bot.types import DocKind, Document
from knowledge.chunking import Chunk, chunk_document, document_hash
from knowledge.embeddings import Embedder, Vectors, embedder_languages, embedder_name
from knowledge.store import ChunkStore, SourceInfo

#: progress(done, total, label): called after each document (and each removal) is handled.
ProgressCallback = Callable[[int, int, str], None]
#: Told which sources were dropped and which chunks were written, so in-memory indexes can follow.
ChangeListener = Callable[[set[str], list[Chunk]], None]

# Chunks embedded and written together: big enough that the model's batches are full and Chroma
# writes few large batches, small enough that progress moves and memory stays flat.
_GROUP_CHUNKS = 256
# Groups embedded ahead of the writer: one in the queue while one is being written is enough to
# keep the model busy; more would only hold vectors in memory.
_AHEAD = 1


@dataclass(frozen=True)
class IngestSummary:
    """What one ingestion did, counted in documents."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    """(source or file name, reason) of every document that could not be loaded or stored."""
    chunks: int = 0
    """Chunks written (added or updated documents only)."""

    def counts(self) -> dict[str, int]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "failed": len(self.failed),
        }

    def __add__(self, other: IngestSummary) -> IngestSummary:
        return IngestSummary(
            added=self.added + other.added,
            updated=self.updated + other.updated,
            unchanged=self.unchanged + other.unchanged,
            removed=self.removed + other.removed,
            failed=self.failed + other.failed,
            chunks=self.chunks + other.chunks,
        )


@dataclass(frozen=True)
class PruneScope:
    """Which stored documents a re-ingestion owns: those of `kind` (and of `root`, when given)."""

    kind: DocKind
    root: str | None = None
    prefix: str = ""
    """Only sources starting with this (a catalogue file owns its `file#id` records)."""


def embed_chunks(embedder: Embedder, chunks: list[Chunk]) -> Vectors:
    """Vectors for chunks; chunks in a language the embedder cannot read get a placeholder.

    MiniLM turns Chinese into [UNK]s: embedding it costs half the ingestion time for vectors
    that retrieval never consults (dense search is limited to the embedder's languages), and
    Chroma needs a vector per record. The placeholder is a fixed pseudo-random unit vector per
    chunk id, so the index holds distinct points rather than thousands of identical ones.
    """
    languages = embedder_languages(embedder)
    readable = [i for i, c in enumerate(chunks) if languages is None or c.language in languages]
    vectors = np.zeros((len(chunks), embedder.dim), dtype=np.float32)
    if readable:
        vectors[readable] = embedder.embed([chunks[i].embedding_text() for i in readable])
    for i, chunk in enumerate(chunks):
        if languages is not None and chunk.language not in languages:
            seed = int.from_bytes(hashlib.sha256(chunk.id.encode()).digest()[:8], "little")
            placeholder = np.random.default_rng(seed).standard_normal(embedder.dim).astype(np.float32)
            vectors[i] = placeholder / np.linalg.norm(placeholder)
    return vectors


def _invalid(doc: Document) -> str | None:
    if not doc.source:
        return "document has no source id"
    if not doc.text.strip():
        return "document is empty"
    if doc.kind == "order" and not doc.customer_id:
        # An order nobody owns could never be retrieved (and must never be retrieved by anybody).
        return "order document without customer_id"
    return None


def ingest(
    store: ChunkStore,
    embedder: Embedder,
    documents: Iterable[Document],
    *,
    root: str = "",
    prune: PruneScope | None = None,
    progress: ProgressCallback | None = None,
    on_change: ChangeListener | None = None,
    keep: Iterable[str] = (),
) -> IngestSummary:
    """Bring the store in line with `documents`; with `prune`, also drop owned sources not among them.

    `keep` names sources that must survive pruning although absent (files that failed to load
    this time: an unreadable file is a problem to report, not a reason to forget the policy).

    Embedding and storing overlap: a worker thread chunks and embeds group N+1 while this thread
    writes group N to Chroma (the model's matrix products release the GIL). Progress callbacks,
    `on_change` and every store call stay on the caller's thread, in document order.
    """
    # A source given twice in one batch: the last copy wins, as if ingested one after the other.
    incoming = list({doc.source: doc for doc in documents}.values())
    existing = store.sources()
    present = {doc.source for doc in incoming} | set(keep)
    # A catalogue file that failed to load keeps its records (`file#id`) too.
    kept_files = set(keep)
    to_remove = []
    if prune is not None:
        to_remove = sorted(
            source
            for source, info in existing.items()
            if info.kind == prune.kind
            and (prune.root is None or info.root == prune.root)
            and source.startswith(prune.prefix)
            and source not in present
            and source.split("#", 1)[0] not in kept_files
        )
    total = len(incoming) + len(to_remove)
    done = 0
    counts = {"added": 0, "updated": 0, "unchanged": 0, "chunks": 0}
    failed: list[tuple[str, str]] = []

    def tick(label: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total, label)

    for event in _pipeline(embedder, incoming, existing, root):
        if isinstance(event, _Skipped):
            if event.reason is None:
                counts["unchanged"] += 1
            else:
                failed.append((event.source, event.reason))
            tick(event.source)
            continue
        _write(store, event, existing)
        sources = {doc.source for doc, _ in event.group}
        if on_change is not None:
            on_change(sources, event.chunks)
        for doc, doc_chunks in event.group:
            counts["updated" if doc.source in existing else "added"] += 1
            counts["chunks"] += len(doc_chunks)
            tick(doc.source)

    if to_remove:
        try:
            store.delete_ids([cid for source in to_remove for cid in existing[source].ids])
        except Exception as exc:
            raise BackendError(f"could not remove {len(to_remove)} documents: {exc}") from exc
        if on_change is not None:
            on_change(set(to_remove), [])
        for source in to_remove:
            tick(source)

    return IngestSummary(
        added=counts["added"],
        updated=counts["updated"],
        unchanged=counts["unchanged"],
        removed=len(to_remove),
        failed=failed,
        chunks=counts["chunks"],
    )


@dataclass(frozen=True)
class _Skipped:
    """A document not written: unchanged (reason None) or invalid (reason given)."""

    source: str
    reason: str | None


@dataclass(frozen=True)
class _Embedded:
    """A group of documents chunked and embedded, ready to be written."""

    group: list[tuple[Document, list[Chunk]]]
    chunks: list[Chunk]
    vectors: Vectors


class _Failed:
    """The worker's exception, handed to the caller's thread."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


_Event = _Skipped | _Embedded


def _plan(
    embedder: Embedder, incoming: list[Document], existing: dict[str, SourceInfo], root: str
) -> Iterator[_Skipped | _Embedded]:
    """Skip, chunk and embed documents in order, one group of about _GROUP_CHUNKS chunks at a time."""
    space = embedder_name(embedder)
    group: list[tuple[Document, list[Chunk]]] = []
    size = 0

    def embedded() -> _Embedded:
        chunks = [c for _, doc_chunks in group for c in doc_chunks]
        return _Embedded(list(group), chunks, embed_chunks(embedder, chunks))

    for doc in incoming:
        reason = _invalid(doc)
        if reason is not None:
            yield _Skipped(doc.source or "(no source)", reason)
            continue
        # The vector space is part of the content: a new embedding model re-embeds everything.
        digest = hashlib.sha256(f"{document_hash(doc)}:{space}".encode()).hexdigest()
        known = existing.get(doc.source)
        if known is not None and known.doc_hash == digest and (not root or known.root == root):
            yield _Skipped(doc.source, None)
            continue
        chunks = chunk_document(doc, root=root, doc_hash=digest)
        if not chunks:
            yield _Skipped(doc.source, "document has headings but no text")
            continue
        group.append((doc, chunks))
        size += len(chunks)
        if size >= _GROUP_CHUNKS:
            yield embedded()
            group.clear()
            size = 0
    if group:
        yield embedded()


def _pipeline(
    embedder: Embedder, incoming: list[Document], existing: dict[str, SourceInfo], root: str
) -> Iterator[_Event]:
    """`_plan` run one group ahead in a worker thread; its exceptions surface here as BackendError."""
    events: queue.Queue[_Event | _Failed | None] = queue.Queue(maxsize=_AHEAD)
    stop = threading.Event()

    def work() -> None:
        try:
            for event in _plan(embedder, incoming, existing, root):
                while not stop.is_set():
                    try:
                        events.put(event, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            events.put(None)
        except BaseException as exc:  # handed over whole: the caller decides what it means
            events.put(_Failed(exc))

    worker = threading.Thread(target=work, name="ingest-embed", daemon=True)
    worker.start()
    try:
        while True:
            item = events.get()
            if item is None:
                return
            if isinstance(item, _Failed):
                if isinstance(item.error, ShopkeeperError):
                    raise item.error
                raise BackendError(f"could not embed documents: {item.error}") from item.error
            yield item
    finally:
        # The caller stopped early (a write failed): let the worker finish its current group and quit.
        stop.set()
        worker.join()


def _write(store: ChunkStore, event: _Embedded, existing: dict[str, SourceInfo]) -> None:
    """Store one embedded group: new chunks added, updated documents' surplus old chunks deleted."""
    try:
        new_ids = {c.id for c in event.chunks}
        stale = [cid for doc, _ in event.group if doc.source in existing for cid in existing[doc.source].ids]
        if stale:
            store.delete_ids([cid for cid in stale if cid not in new_ids])
            store.upsert(event.chunks, event.vectors)
        else:
            # Only new documents: their ids cannot exist yet (they derive from the source), and a
            # plain add skips Chroma's per-id existence check.
            store.add(event.chunks, event.vectors)
    except ShopkeeperError:
        raise
    except Exception as exc:  # Chroma raises many types; the caller needs one
        raise BackendError(f"could not store {len(event.group)} documents: {exc}") from exc
