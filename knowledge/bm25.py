"""An in-memory BM25 index (numpy postings) with English and Chinese (jieba) tokenization."""

from __future__ import annotations

import functools
import logging
import math
import re
import threading
from collections import Counter
from pathlib import Path
from typing import Callable, Collection, Iterable, cast

import numpy as np
import numpy.typing as npt

from bot.text import has_cjk

_WORD = re.compile(r"[a-z0-9]+")

Ints = npt.NDArray[np.int32] | npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

EN_STOPWORDS = frozenset(
    """a about after all also am an and any are as at be been before being but by can could did do does
    doing for from get got had has have how i if in into is it its just me my no not of on or our out
    please so than that the their them then there these they this those to too up us was we were what
    when where which while who whom why will with would you your yours hi hello thanks thank
    want wanted need like know tell ok okay""".split()
)
ZH_STOPWORDS = frozenset(
    """的 了 是 吗 呢 吧 啊 呀 么 什么 怎么 怎么样 怎样 如何 请问 请 我 我们 你 你们 您 他 她 它 这 那 这个 那个
    哪 哪个 哪些 和 与 及 或 在 有 没有 就 都 也 还 要 想 能 能否 可以 会 对 把 被 给 让 吗 一下 一个 多少 几
    为什么 是否 以及 如果 因为 所以 但 但是 而 并 等 之 其 该 此 你好 您好 谢谢
    多久 多长 多长时间 哪里 哪儿 怎么办 能不能 可不可以 是不是 有没有 需要 知道 告诉 一下子 呢 啦 嘛""".split()
)

_jieba_lock = threading.Lock()
_jieba_ready = False
_jieba_dir: Path | None = None


def configure_jieba(cache_dir: Path) -> None:
    """Where jieba keeps its prefix-dictionary cache (default: the system temp dir). Call before use."""
    global _jieba_dir
    _jieba_dir = cache_dir


def _jieba() -> object:
    global _jieba_ready
    import jieba

    if not _jieba_ready:
        with _jieba_lock:
            if not _jieba_ready:
                # jieba prints "Building prefix dict ..." at DEBUG on every start; nobody needs it.
                jieba.setLogLevel(logging.WARNING)
                logging.getLogger("jieba").setLevel(logging.WARNING)
                if _jieba_dir is not None:
                    _jieba_dir.mkdir(parents=True, exist_ok=True)
                    jieba.dt.tmp_dir = str(_jieba_dir)
                jieba.initialize()
                _jieba_ready = True
    return jieba


@functools.lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    """Plural folding only: refunds -> refund, policies -> policy. Enough for policy text."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _latin(text: str) -> list[str]:
    # Single characters ("2", "a", "s" of "what's") match everywhere and mean nothing alone.
    return [_stem(w) for w in _WORD.findall(text) if len(w) > 1 and w not in EN_STOPWORDS]


def tokenize(text: str) -> list[str]:
    """Lowercase, stopword-free terms: Latin words (plural-folded) and jieba search-mode Chinese words."""
    lowered = text.lower()
    if not has_cjk(lowered):
        return _latin(lowered)
    jieba = _jieba()
    tokens: list[str] = []
    for piece in jieba.cut_for_search(lowered):  # type: ignore[attr-defined]
        piece = piece.strip()
        if not piece:
            continue
        if has_cjk(piece):
            if piece not in ZH_STOPWORDS:
                tokens.append(piece)
        else:
            tokens.extend(_latin(piece))
    return tokens


class BM25Index:
    """Okapi BM25 over tokenized chunks, updated incrementally by id, searched with numpy.

    Each document keeps its term ids and counts as small arrays; the first search after a change
    compiles them into term-major postings (CSC-like: `_indptr`, `_rows`, `_factor`) with the BM25
    term factor tf*(k1+1)/(tf+norm) precomputed per posting, and the idf per term. A search is then
    a few array slices, one multiply per query term, a bincount and an argpartition: no per-document
    Python. Each document carries a label (a string the caller picks, e.g. "policy" or
    "order:<customer>") so filters are a vectorised mask too.
    """

    def __init__(self, k1: float = 1.5, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self._vocabulary: dict[str, int] = {}
        self._label_codes: dict[str, int] = {}
        # doc id -> (term ids, term counts, length, label code)
        self._docs: dict[str, tuple[Ints, Ints, int, int]] = {}
        self._dirty = True
        self._ids: list[str] = []
        self._labels: Ints = np.zeros(0, dtype=np.int32)
        self._indptr: Ints = np.zeros(1, dtype=np.int64)
        self._rows: Ints = np.zeros(0, dtype=np.int32)
        self._factor: Floats = np.zeros(0, dtype=np.float64)
        self._idf: Floats = np.zeros(0, dtype=np.float64)

    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._docs

    def add(self, doc_id: str, tokens: Iterable[str], label: str = "") -> None:
        counts = Counter(tokens)
        vocabulary = self._vocabulary
        ids = (vocabulary.setdefault(t, len(vocabulary)) for t in counts)
        terms = np.fromiter(ids, dtype=np.int32, count=len(counts))
        tfs = np.fromiter(counts.values(), dtype=np.int32, count=len(counts))
        code = self._label_codes.setdefault(label, len(self._label_codes))
        # Re-adding an id replaces it: dict assignment keeps one entry per id.
        self._docs[doc_id] = (terms, tfs, int(tfs.sum()), code)
        self._dirty = True

    def remove(self, doc_id: str) -> None:
        if self._docs.pop(doc_id, None) is not None:
            self._dirty = True

    def idf(self, term: str) -> float:
        self._compile()
        column = self._vocabulary.get(term)
        if column is None:
            return self._missing_idf()
        return float(self._idf[column])

    def _missing_idf(self) -> float:
        n = len(self._ids)
        return math.log(1.0 + (n + 0.5) / 0.5)

    def _compile(self) -> None:
        """Rebuild the term-major postings from the per-document arrays (after adds or removes)."""
        if not self._dirty:
            return
        self._ids = list(self._docs)
        records = list(self._docs.values())
        n = len(records)
        vocabulary_size = len(self._vocabulary)
        if n == 0:
            self._labels = np.zeros(0, dtype=np.int32)
            self._indptr = np.zeros(vocabulary_size + 1, dtype=np.int64)
            self._rows = np.zeros(0, dtype=np.int32)
            self._factor = np.zeros(0, dtype=np.float64)
            self._idf = np.zeros(vocabulary_size, dtype=np.float64)
            self._dirty = False
            return
        sizes = np.fromiter((len(r[0]) for r in records), dtype=np.int64, count=n)
        lengths = np.fromiter((r[2] for r in records), dtype=np.float64, count=n)
        self._labels = np.fromiter((r[3] for r in records), dtype=np.int32, count=n)
        terms = np.concatenate([r[0] for r in records]) if sizes.sum() else np.zeros(0, dtype=np.int32)
        tfs = np.concatenate([r[1] for r in records]).astype(np.float64) if sizes.sum() else np.zeros(0)
        rows = np.repeat(np.arange(n, dtype=np.int32), sizes)
        average = float(lengths.mean()) or 1.0
        norm = self.k1 * (1.0 - self.b + self.b * lengths / average)
        factor = tfs * (self.k1 + 1.0) / (tfs + norm[rows])
        order = np.argsort(terms, kind="stable")  # stable: postings stay in document order
        df = np.bincount(terms, minlength=vocabulary_size)
        self._indptr = np.concatenate(([0], np.cumsum(df))).astype(np.int64)
        self._rows = rows[order]
        self._factor = factor[order]
        self._idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
        self._dirty = False

    def search(
        self,
        query_tokens: Iterable[str],
        *,
        limit: int = 50,
        labels: Collection[str] | None = None,
        allowed: Callable[[str], bool] | None = None,
    ) -> list[tuple[str, float, float]]:
        """(doc id, BM25 score, coverage) best first.

        coverage is the idf-weighted share of the query's distinct terms found in the chunk, in [0, 1]:
        1.0 when every informative query word occurs, near 0 when only common words do. Unlike the
        raw score, it is comparable across queries, so it can feed a relevance threshold.
        `labels` keeps only documents added with one of these labels (vectorised); `allowed` is a
        per-id check applied to the best candidates on top of it.
        """
        terms = list(dict.fromkeys(query_tokens))
        if not terms or not self._docs or limit <= 0:
            return []
        self._compile()
        n = len(self._ids)
        missing = self._missing_idf()
        columns = [self._vocabulary.get(t) for t in terms]
        total_weight = sum(float(self._idf[c]) if c is not None else missing for c in columns) or 1.0
        found = [c for c in columns if c is not None and self._indptr[c + 1] > self._indptr[c]]
        if not found:
            return []
        slices = [slice(int(self._indptr[c]), int(self._indptr[c + 1])) for c in found]
        rows = np.concatenate([self._rows[s] for s in slices])
        weights = np.concatenate([np.full(s.stop - s.start, self._idf[c]) for c, s in zip(found, slices)])
        factors = np.concatenate([self._factor[s] for s in slices])
        # With weights, bincount sums floats (its stubs say ints).
        scores = cast(Floats, np.bincount(rows, weights=weights * factors, minlength=n))
        matched = cast(Floats, np.bincount(rows, weights=weights, minlength=n))
        candidates = np.flatnonzero(matched > 0)
        if labels is not None:
            codes = [self._label_codes[label] for label in labels if label in self._label_codes]
            candidates = candidates[np.isin(self._labels[candidates], codes)]
        if allowed is None:
            return self._best(candidates, scores, matched, total_weight, limit)
        # The callback runs on the best candidates only, widening the window until enough pass.
        results: list[tuple[str, float, float]] = []
        window = limit
        while True:
            best = self._best(candidates, scores, matched, total_weight, window)
            results = [hit for hit in best if allowed(hit[0])]
            if len(results) >= limit or window >= len(candidates):
                return results[:limit]
            window *= 4

    def _best(
        self, candidates: Ints, scores: Floats, matched: Floats, total_weight: float, limit: int
    ) -> list[tuple[str, float, float]]:
        if len(candidates) > limit:
            top = np.argpartition(-scores[candidates], limit - 1)[:limit]
            candidates = candidates[top]
        # Best score first; ties in insertion order, so results are deterministic.
        ordered = candidates[np.lexsort((candidates, -scores[candidates]))]
        ids = self._ids
        return [(ids[row], float(scores[row]), float(matched[row]) / total_weight) for row in ordered.tolist()]
