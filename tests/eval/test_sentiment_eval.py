"""The sentiment suite's cross-validated waimai figure: refitted probes, and the shipped one back afterwards."""

from __future__ import annotations

from pathlib import Path

from bot import sentiment_model
from bot.nlu import Understander
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
