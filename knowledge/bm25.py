"""A small in-memory BM25 index with English and Chinese (jieba) tokenization."""

from __future__ import annotations

import logging
import math
import re
import threading
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[a-z0-9]+")

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


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


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
    """Okapi BM25 over tokenized chunks, updated incrementally by id."""

    def __init__(self, k1: float = 1.5, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self._lengths: dict[str, int] = {}
        self._postings: dict[str, dict[str, int]] = {}
        self._terms: dict[str, tuple[str, ...]] = {}
        self._total = 0

    def __len__(self) -> int:
        return len(self._lengths)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._lengths

    def add(self, doc_id: str, tokens: Iterable[str]) -> None:
        if doc_id in self._lengths:
            self.remove(doc_id)
        counts = Counter(tokens)
        length = sum(counts.values())
        self._lengths[doc_id] = length
        self._terms[doc_id] = tuple(counts)
        self._total += length
        for term, tf in counts.items():
            self._postings.setdefault(term, {})[doc_id] = tf

    def remove(self, doc_id: str) -> None:
        length = self._lengths.pop(doc_id, None)
        if length is None:
            return
        self._total -= length
        for term in self._terms.pop(doc_id, ()):
            posting = self._postings.get(term)
            if posting is not None:
                posting.pop(doc_id, None)
                if not posting:
                    del self._postings[term]

    def idf(self, term: str) -> float:
        n = len(self._lengths)
        df = len(self._postings.get(term, ()))
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def search(
        self,
        query_tokens: Iterable[str],
        *,
        limit: int = 50,
        allowed: Callable[[str], bool] | None = None,
    ) -> list[tuple[str, float, float]]:
        """(doc id, BM25 score, coverage) best first.

        coverage is the idf-weighted share of the query's distinct terms found in the chunk, in [0, 1]:
        1.0 when every informative query word occurs, near 0 when only common words do. Unlike the
        raw score, it is comparable across queries, so it can feed a relevance threshold.
        """
        terms = list(dict.fromkeys(query_tokens))
        if not terms or not self._lengths:
            return []
        avg = self._total / len(self._lengths) or 1.0
        weights = {t: self.idf(t) for t in terms}
        total_weight = sum(weights.values()) or 1.0
        scores: dict[str, float] = {}
        matched: dict[str, float] = {}
        for term in terms:
            for doc_id, tf in self._postings.get(term, {}).items():
                if allowed is not None and not allowed(doc_id):
                    continue
                norm = self.k1 * (1.0 - self.b + self.b * self._lengths[doc_id] / avg)
                scores[doc_id] = scores.get(doc_id, 0.0) + weights[term] * tf * (self.k1 + 1.0) / (tf + norm)
                matched[doc_id] = matched.get(doc_id, 0.0) + weights[term]
        best = sorted(scores.items(), key=lambda item: item[1], reverse=True)[:limit]
        return [(doc_id, score, matched[doc_id] / total_weight) for doc_id, score in best]
