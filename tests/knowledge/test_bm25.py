"""The numpy BM25 index: same scores as the textbook formula, incremental updates, label filters."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from knowledge.bm25 import BM25Index, tokenize

DOCS = {
    "a": "refund refund policy thirty days",
    "b": "shipping policy free over fifty",
    "c": "refund of shipping costs",
    "d": "gift wrap for any order",
}


def _textbook(docs: dict[str, list[str]], query: list[str], k1: float = 1.5, b: float = 0.75) -> dict[str, float]:
    """Okapi BM25 written out plainly, the reference the vectorised index must match."""
    n = len(docs)
    average = sum(len(t) for t in docs.values()) / n
    scores: dict[str, float] = {}
    for doc_id, tokens in docs.items():
        counts = Counter(tokens)
        score = 0.0
        for term in dict.fromkeys(query):
            df = sum(1 for t in docs.values() if term in t)
            tf = counts.get(term, 0)
            if tf:
                idf = math.log(1.0 + (n - df + 0.5) / (df + 0.5))
                score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(tokens) / average))
        if score:
            scores[doc_id] = score
    return scores


def _index(docs: dict[str, str], labels: dict[str, str] | None = None) -> BM25Index:
    index = BM25Index()
    for doc_id, text in docs.items():
        index.add(doc_id, text.split(), label=(labels or {}).get(doc_id, ""))
    return index


def test_scores_match_the_textbook_formula_best_first() -> None:
    index = _index(DOCS)
    query = ["refund", "shipping", "unknownword"]
    hits = index.search(query, limit=10)
    expected = _textbook({k: v.split() for k, v in DOCS.items()}, query)
    assert [h[0] for h in hits] == sorted(expected, key=lambda k: -expected[k])
    for doc_id, score, coverage in hits:
        assert score == pytest.approx(expected[doc_id])
        # An unknown query word weighs in the coverage's denominator: nobody reaches 1.0 here.
        assert 0.0 < coverage < 1.0
    assert index.search(["refund", "policy"], limit=1)[0][2] == pytest.approx(1.0)  # "a" has both words


def test_limit_keeps_the_best_and_empty_queries_find_nothing() -> None:
    index = _index(DOCS)
    assert [h[0] for h in index.search(["refund", "shipping"], limit=2)] == [
        h[0] for h in index.search(["refund", "shipping"], limit=10)
    ][:2]
    assert index.search([], limit=5) == [] and index.search(["nothing"], limit=5) == []
    assert index.search(["refund"], limit=0) == []
    assert BM25Index().search(["refund"]) == []


def test_remove_and_readd_update_statistics() -> None:
    index = _index(DOCS)
    index.remove("a")
    index.remove("missing")  # unknown ids are ignored
    assert "a" not in index and len(index) == 3
    rest = {k: v.split() for k, v in DOCS.items() if k != "a"}
    hits = index.search(["refund"], limit=10)
    assert [h[0] for h in hits] == ["c"] and hits[0][1] == pytest.approx(_textbook(rest, ["refund"])["c"])
    index.add("c", "gift wrap".split())  # re-adding an id replaces its terms
    assert index.search(["refund"], limit=10) == []
    assert index.idf("gift") == pytest.approx(math.log(1.0 + (3 - 2 + 0.5) / (2 + 0.5)))


def test_labels_and_allowed_filter_before_the_limit() -> None:
    docs = {f"p{i}": "refund refund" for i in range(50)} | {"o1": "refund order", "o2": "refund order"}
    labels = {"o1": "order:alice", "o2": "order:bob"}
    index = _index(docs, labels)
    # The orders score lower than fifty products; a filter still finds them, whatever the limit.
    assert [h[0] for h in index.search(["refund"], limit=3, labels={"order:alice"})] == ["o1"]
    assert index.search(["refund"], limit=3, labels={"order:nobody"}) == []
    assert {h[0] for h in index.search(["refund"], limit=60, labels={""})} == {f"p{i}" for i in range(50)}
    assert [h[0] for h in index.search(["refund"], limit=2, allowed=lambda d: d == "o2")] == ["o2"]


def test_tokenize_keeps_chinese_words_and_folds_english_plurals() -> None:
    assert tokenize("What are the refunds policies?") == ["refund", "policy"]
    tokens = tokenize("退货政策是什么？")
    assert "退货" in tokens and "什么" not in tokens
