"""Dense candidates from Chroma under the privacy and language rules, without Chroma's metadata filter.

A Chroma `where` clause makes every query scan the metadata table: ~50 ms at 3,000 chunks and
~300 ms at 20,000 on these machines, ten times the vector search itself. Most searches hide few
chunks (other customers' orders; chunks in a language the model cannot read) or may see few (one
customer's orders; the policies alone), so one of three exact plans almost always applies:

1. **over-fetch**: at most `OVERFETCH` chunks are hidden: ask for that many more neighbours and drop
   the hidden ones. Whatever is dropped, the n nearest visible chunks are among the ones returned.
2. **direct**: at most `DIRECT` chunks are visible: score their vectors (fetched once by id and
   kept) against the query in numpy.
3. otherwise over-fetch by `OVERFETCH` and keep the result when n visible chunks remain (then they
   are the n nearest), else fall back to the `where` clause.

Which chunks are visible is answered from id sets kept in step with the chunk table (`ChunkSets`),
so planning costs set arithmetic on small sets, not a pass over the store.
"""

from __future__ import annotations

import threading
from typing import Callable, Iterable

import numpy as np

from bot.types import DocKind
from knowledge.chunking import Chunk
from knowledge.embeddings import Vectors
from knowledge.store import ChunkStore, Where

#: Hidden chunks up to this many: over-fetch instead of filtering in Chroma.
OVERFETCH = 300
#: Visible chunks up to this many: score their vectors directly.
DIRECT = 2000

_EMPTY: frozenset[str] = frozenset()


class ChunkSets:
    """Ids by kind, by customer (orders) and in unreadable languages; answers "how many may this search see"."""

    def __init__(self, languages: frozenset[str] | None) -> None:
        self.languages = languages
        self.kinds: dict[str, set[str]] = {}
        self.customers: dict[str, set[str]] = {}
        self.foreign: set[str] = set()
        """Chunks in a language the embedder cannot read: their vectors are placeholders."""
        self._cache: dict[str | None, int] = {}

    def add(self, chunk: Chunk) -> None:
        self.kinds.setdefault(chunk.kind, set()).add(chunk.id)
        if chunk.kind == "order":
            self.customers.setdefault(chunk.customer_id, set()).add(chunk.id)
        if self.languages is not None and chunk.language not in self.languages:
            self.foreign.add(chunk.id)
        self._cache.clear()

    def remove(self, chunk: Chunk) -> None:
        self.kinds.get(chunk.kind, set()).discard(chunk.id)
        self.customers.get(chunk.customer_id, set()).discard(chunk.id)
        self.foreign.discard(chunk.id)
        self._cache.clear()

    def total(self) -> int:
        return sum(len(ids) for ids in self.kinds.values())

    def own_orders(self, customer_id: str | None) -> set[str]:
        return self.customers.get(customer_id, set()) if customer_id else set()

    def visible_count(self, kind: DocKind | None, customer_id: str | None) -> int:
        """How many chunks a search with this kind and customer may return (the rule of `allowed`)."""
        own = self.own_orders(customer_id)
        if kind == "order":
            return len(own - self.foreign)
        if kind is not None:
            return len(self.kinds.get(kind, _EMPTY)) - self._cached(kind)
        # (orders - own) | foreign == (orders | foreign) - (own - foreign), as own is a subset of orders.
        hidden = self._cached(None) - len(own - self.foreign)
        return self.total() - hidden

    def _cached(self, kind: str | None) -> int:
        """None: |orders | foreign|; a kind: how many of its chunks are foreign. Once per change of the index."""
        if kind not in self._cache:
            if kind is None:
                self._cache[kind] = len(self.kinds.get("order", _EMPTY) | self.foreign)
            else:
                self._cache[kind] = len(self.kinds.get(kind, _EMPTY) & self.foreign)
        return self._cache[kind]

    def visible_ids(self, kind: DocKind | None, customer_id: str | None, visible: Callable[[str], bool]) -> list[str]:
        """The visible ids themselves (meant for small answers: `visible_count` first)."""
        if kind == "order":
            return sorted(self.own_orders(customer_id) - self.foreign)
        if kind is not None:
            return sorted(self.kinds.get(kind, set()) - self.foreign)
        return sorted(cid for ids in self.kinds.values() for cid in ids if visible(cid))


class DenseSearch:
    """The nearest visible chunks of a query vector, by the cheapest exact plan (see the module doc)."""

    def __init__(self, store: ChunkStore) -> None:
        self.store = store
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self.last_plan = ""
        """"plain", "over-fetch", "direct" or "where": which plan the last search took (tests, tracing)."""

    def forget(self, ids: Iterable[str] | None = None) -> None:
        """Drop kept vectors (all of them with None): their chunks changed or went away."""
        with self._lock:
            if ids is None:
                self._vectors.clear()
            else:
                for chunk_id in ids:
                    self._vectors.pop(chunk_id, None)

    def search(
        self,
        vector: Vectors,
        n: int,
        *,
        total: int,
        visible_count: int,
        visible: Callable[[str], bool],
        visible_ids: Callable[[], list[str]],
        where: Where,
    ) -> list[tuple[str, float]]:
        """(chunk id, cosine) of the n nearest chunks for which `visible` holds, best first."""
        hidden = total - visible_count
        if visible_count <= 0:
            self.last_plan = "direct"
            return []
        if hidden <= 0:
            self.last_plan = "plain"
            return self.store.query(vector, n, None)
        if hidden <= OVERFETCH:
            self.last_plan = "over-fetch"
            return [hit for hit in self.store.query(vector, n + hidden, None) if visible(hit[0])][:n]
        if visible_count <= DIRECT:
            self.last_plan = "direct"
            return self._direct(vector, visible_ids(), n)
        kept = [hit for hit in self.store.query(vector, n + OVERFETCH, None) if visible(hit[0])]
        if len(kept) >= n:
            self.last_plan = "over-fetch"
            return kept[:n]
        self.last_plan = "where"
        return [hit for hit in self.store.query(vector, n, where) if visible(hit[0])]

    def _direct(self, vector: Vectors, ids: list[str], n: int) -> list[tuple[str, float]]:
        with self._lock:
            missing = [cid for cid in ids if cid not in self._vectors]
        if missing:
            fetched = self.store.vectors(missing)
            with self._lock:
                self._vectors.update(fetched)
        with self._lock:
            present = [cid for cid in ids if cid in self._vectors]
            if not present:
                return []
            matrix = np.stack([self._vectors[cid] for cid in present])
        query = np.asarray(vector, dtype=np.float32).reshape(-1)
        # Cosine, as Chroma's space is: stored vectors are not assumed to be normalised.
        norms = np.linalg.norm(matrix, axis=1) * (np.linalg.norm(query) or 1.0)
        similarities = (matrix @ query) / np.where(norms == 0, 1.0, norms)
        best = np.argsort(-similarities, kind="stable")[:n]
        return [(present[i], float(similarities[i])) for i in best]
