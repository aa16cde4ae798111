"""The pii, intents and sentiment eval suites: scoring rules, data files, and the train/eval intents commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.understanding.intents.model import CUSTOM_MODEL
from eval.intents import score, split
from eval.pii import OWN_MESSAGES, Record, Span, Tally
from eval.sentiment import OWN as OWN_SENTIMENT


def test_tally_counts_overlap_of_the_same_kind_and_ignores_unscored_gold() -> None:
    record = Record(
        "Jane at jane@x.com, Acme Corp", (Span(0, 4, "PERSON"), Span(8, 18, "EMAIL"), Span(20, 29, "ORGANIZATION"))
    )
    tally = Tally()
    tally.add(record, [Span(0, 4, "PERSON"), Span(8, 18, "PHONE"), Span(20, 24, "PERSON")])
    metrics = tally.metrics("t")
    assert metrics["t_recall_PERSON"] == 1.0
    assert metrics["t_recall_EMAIL"] == 0.0 and metrics["t_masked_EMAIL"] == 1.0
    assert metrics["t_precision_PHONE"] == 0.0
    assert "t_recall_ORGANIZATION" not in metrics and metrics["t_precision_PERSON"] == 1.0


def test_own_data_files_are_big_enough_and_consistent() -> None:
    pii = json.loads(OWN_MESSAGES.read_text(encoding="utf-8"))["messages"]
    assert len(pii) >= 150 and {m["language"] for m in pii} == {"en", "zh"}
    for m in pii:
        for s in m["spans"]:
            assert m["text"][s["start"] : s["end"]] == s["value"]
    sentiment = json.loads(OWN_SENTIMENT.read_text(encoding="utf-8"))["messages"]
    assert len(sentiment) >= 100
    assert {(m["language"], m["label"]) for m in sentiment} == {
        (lang, label) for lang in ("en", "zh") for label in ("negative", "neutral", "positive")
    }
    assert all(isinstance(m["frustrated"], bool) for m in sentiment)
    assert {m["language"] for m in sentiment if m["frustrated"]} == {"en", "zh"}


def test_frustration_figures_on_the_own_messages() -> None:
    from bot.understanding.understander import Understander
    from eval.sentiment import own_frustration

    m = own_frustration(Understander(use_model=False, sentiment_models=False))
    assert m["frustration_auc"] >= 0.9 and m["frustration_precision"] >= 0.8
    assert m["frustration_mean_frustrated"] > m["frustration_mean_others"] + 0.3


def test_split_is_stratified_and_stable() -> None:
    texts = [f"text {i}" for i in range(20)] + [f"文本{i}" for i in range(20)]
    labels = ["a", "b"] * 20
    train, test = split(texts, labels)
    assert split(texts, labels) == (train, test)
    assert len(test) == 8 and not set(train) & set(test)
    s = score(["a", "a", "b"], ["a", "b", "b"])
    assert round(s.accuracy, 3) == 0.667 and s.matrix == [[1, 1], [0, 1]]


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SHOPKEEPER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "data"


def test_train_then_eval_intents_on_a_csv(data_dir: Path, tmp_path: Path) -> None:
    csv = tmp_path / "mine.csv"
    rows = [("where is my parcel", "track"), ("track my package", "track"), ("has it shipped", "track")]
    rows += [("I want my money back", "refund"), ("refund please", "refund"), ("return for a refund", "refund")]
    csv.write_text("text,label\n" + "\n".join(f"{t},{y}" for t, y in rows * 4), encoding="utf-8")
    runner = CliRunner()
    trained = runner.invoke(app, ["train", "intents", "--data", str(csv)])
    assert trained.exit_code == 0, trained.output
    assert "24 utterances, 2 intents" in trained.output
    assert (data_dir / "models" / CUSTOM_MODEL).exists()
    evaluated = runner.invoke(
        app, ["eval", "intents", "--data", str(csv), "--data-dir", str(data_dir), "--report", str(tmp_path / "r")]
    )
    assert evaluated.exit_code == 0, evaluated.output
    assert "data_accuracy" in evaluated.output


def test_train_intents_bad_file_is_one_sentence(data_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("sentence,category\nhi,greeting\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["train", "intents", "--data", str(bad)])
    assert result.exit_code == 1 and "text and label" in result.output and "Traceback" not in result.output
    missing = CliRunner().invoke(app, ["train", "intents", "--data", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 1 and "is not a file" in missing.output


def test_sentence_vectors_persist_between_runs(tmp_path: Path) -> None:
    import numpy as np

    from bot.understanding.intents.encoders import ConcatEncoder
    from eval.intents import Memo, memoise

    calls: list[list[str]] = []

    class Fake:
        name = "fake"

        def __call__(self, texts: Sequence[str]) -> np.ndarray:
            calls.append(list(texts))
            return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)

    first = Memo(Fake(), tmp_path)
    assert first(["ab", "abc", "ab"]).tolist() == [[2, 1], [3, 1], [2, 1]]
    assert calls == [["ab", "abc"]]
    again = memoise(ConcatEncoder([Fake()]), tmp_path)
    assert again is not None and again(["abc"]).tolist() == [[3, 1]]
    assert calls == [["ab", "abc"]]  # read from the cache, not encoded again
    (tmp_path / "fake.npz").write_bytes(b"not a cache")
    assert Memo(Fake(), tmp_path)(["x"]).tolist() == [[1, 1]]
