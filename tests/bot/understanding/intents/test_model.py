"""The trained intent model: its data, the fine-to-coarse mapping, calibrated confidence, caching, CSV input."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Sequence

import pytest

from bot.understanding.intents.encoders import ConcatEncoder, encoder_named
from bot.understanding.intents.model import (
    COARSE,
    DATA_DIR,
    Features,
    IntentModel,
    coarse_intent,
    read_csv,
    read_training,
    shop_model,
)
from bot.understanding.understander import Understander

ENGINE_LABELS = {
    "greeting", "thanks", "goodbye", "order_status", "human_agent", "policy_question",
    "product_question", "complaint", "out_of_scope", "inform",
}  # fmt: skip


def test_training_data_has_40_utterances_per_intent_and_language() -> None:
    for lang in ("en", "zh"):
        texts, labels = read_csv(DATA_DIR / f"intents.{lang}.csv")
        counts = Counter(labels)
        assert set(counts) <= set(COARSE), set(counts) - set(COARSE)
        assert min(counts.values()) >= 40, counts


def test_every_fine_label_maps_to_a_label_the_engine_knows() -> None:
    assert {coarse_intent(label) for label in COARSE} <= ENGINE_LABELS
    assert coarse_intent("cancel_order") == "policy_question"
    assert coarse_intent("stock") == "product_question"
    assert coarse_intent("someone_elses_label") == "someone_elses_label"


@pytest.mark.parametrize(
    ("text", "fine", "coarse"),
    [
        ("I want to cancel my order", "cancel_order", "policy_question"),
        ("我要取消订单", "cancel_order", "policy_question"),
        ("can I swap these shoes for a bigger size", "exchange", "policy_question"),
        ("能换个尺码吗", "exchange", "policy_question"),
        ("is the black one back in stock", "stock", "product_question"),
        ("支持花呗吗", "payment", "policy_question"),
        ("I forgot my password", "account", "policy_question"),
        ("write me a poem about the sea", "out_of_scope", "out_of_scope"),
    ],
)
def test_fine_and_coarse_labels(text: str, fine: str, coarse: str) -> None:
    intent = Understander().understand(text).intent
    assert (intent.fine, intent.label) == (fine, coarse)


def test_confidence_is_a_probability_and_lower_for_vague_messages() -> None:
    model = shop_model()
    clear = model.predict("where is my package")
    vague = model.predict("hmm")
    assert 0.0 < vague.confidence < clear.confidence <= 1.0
    assert abs(sum(p for _, p in clear.ranked) - 1.0) < 1e-6


def test_model_cache_round_trip(tmp_path: Path) -> None:
    texts = ["hi", "hello", "hey there", "where is my order", "track my package", "my parcel is late"]
    labels = ["greeting"] * 3 + ["order_status"] * 3
    model = IntentModel.fit(texts * 3, labels * 3)
    model.save(tmp_path / "m.pkl")
    again = IntentModel.load(tmp_path / "m.pkl")
    assert again.predict("hello there").label == model.predict("hello there").label == "greeting"


def test_shop_model_is_cached_under_the_given_folder(tmp_path: Path) -> None:
    shop_model(tmp_path)
    assert list(tmp_path.glob("intents-*.pkl"))


def test_read_csv_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("sentence,category\nhi,greeting\n", encoding="utf-8")
    with pytest.raises(ValueError, match="text and label"):
        read_csv(bad)
    one = tmp_path / "one.csv"
    one.write_text("text,label\nhi,greeting\nhey,greeting\n", encoding="utf-8")
    with pytest.raises(ValueError, match="two labels"):
        read_csv(one)
    good = tmp_path / "good.csv"
    good.write_text("utterance,intent\nhi,greeting\nbye,goodbye\n", encoding="utf-8")
    assert read_csv(good) == (["hi", "bye"], ["greeting", "goodbye"])
    assert len(read_training()[0]) >= 17 * 80


def _toy() -> tuple[list[str], list[str]]:
    texts = ["hi", "hello", "hey there", "where is my order", "track my package", "my parcel is late"]
    return texts * 3, (["greeting"] * 3 + ["order_status"] * 3) * 3


def test_energy_threshold_needs_an_uncalibrated_model_and_sends_unknowns_out_of_scope() -> None:
    texts, labels = _toy()
    with pytest.raises(ValueError, match="uncalibrated"):
        IntentModel.fit(texts, labels, features=Features(oos_score="energy"))
    model = IntentModel.fit(texts, labels, c=50.0, features=Features(calibrate=False, oos_score="energy"))
    held_out = ["hello", "where is my parcel", "zebra quantum", "xylophone"]
    gold = ["greeting", "order_status", "out_of_scope", "out_of_scope"]
    threshold = model.choose_threshold(held_out, gold, min_recall=1.0)
    assert [p.label for p in model.predict_many(held_out)] == gold
    assert model.oos_scores(["zebra quantum"])[0] < threshold <= model.oos_scores(["hello"])[0]


def test_choose_threshold_on_probability_keeps_its_old_meaning() -> None:
    texts, labels = _toy()
    model = IntentModel.fit(texts, labels)
    model.choose_threshold(["hello", "track my package", "zebra quantum"], ["greeting", "order_status", "out_of_scope"])
    assert 0.0 <= model.threshold < 1.0
    assert model.predict("hello").label == "greeting"


def test_encoders_join_with_a_plus() -> None:
    import numpy as np

    assert encoder_named("none") is None
    with pytest.raises(ValueError, match="unknown encoder 'bert'"):
        encoder_named("usem3+bert")

    def unit(texts: Sequence[str]) -> np.ndarray:
        return np.ones((len(texts), 2), dtype=np.float32)

    joined = ConcatEncoder([unit, unit])
    assert joined(["a", "b"]).shape == (2, 4)
