"""The Banking77 fine-tuned run's cache: a fold's tuned vectors are computed once, keyed by its training set."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pytest

import bot.understanding.intents.finetune
from eval.intents import Tuning, tuned_members, tuned_vectors


class FakeTuned:
    name = "fake"

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)


def test_tuned_vectors_are_cached_per_training_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tuned: list[list[str]] = []

    bases: list[object] = []

    def fake_finetune(
        texts: Sequence[str], labels: Sequence[str], out_dir: Path, *args: object, base: object = None, **kw: object
    ) -> FakeTuned:
        tuned.append(list(texts))
        bases.append(base)
        return FakeTuned()

    monkeypatch.setattr(bot.understanding.intents.finetune, "finetune", fake_finetune)
    train_x, train_y = ["Where is my card?", "Refund me"], ["card", "refund"]
    first = tuned_vectors(train_x, train_y, train_x + ["A test utterance"], tmp_path)
    assert tuned == [["where is my card?", "refund me"]]  # tuned on the normalised texts
    assert first(["a test utterance"]).tolist() == [[16.0, 1.0]]
    again = tuned_vectors(list(reversed(train_x)), list(reversed(train_y)), train_x, tmp_path)
    assert len(tuned) == 1 and again(["refund me"]).tolist() == [[9.0, 1.0]]  # same set, any order: cached
    with pytest.raises(RuntimeError, match="discarded"):
        again(["never seen"])
    tuned_vectors(train_x, ["card", "card"], train_x, tmp_path)
    assert len(tuned) == 2  # other labels: tuned again
    assert bases == [None, None]  # MiniLM unless told

    def load_other() -> object:
        return "other base"

    tuned_vectors(train_x, train_y, train_x, tmp_path, Tuning("other-tuned", load_other))
    assert len(tuned) == 3 and bases[-1] is load_other  # another base model: its own cache entry
    assert sorted(p.name.split("-")[0] for p in tmp_path.glob("*.npz")) == ["minilm", "minilm", "other"]


def test_each_tuned_fold_reports_its_steps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fake_finetune(*args: object, progress: Callable[[int, int], None], **kw: object) -> FakeTuned:
        progress(1, 2)
        progress(2, 2)
        return FakeTuned()

    monkeypatch.setattr(bot.understanding.intents.finetune, "finetune", fake_finetune)
    reports: list[tuple[str, int, int]] = []
    members = tuned_members(tmp_path, progress=lambda label, done, total: reports.append((label, done, total)))
    members(["Where is my card?", "Refund me"], ["card", "refund"], ["A test"])
    members(["Where is my card?", "Refund"], ["card", "refund"], ["A test"])
    assert reports == [
        ("Banking77: tuning minilm-tuned, fold 1", 1, 2),
        ("Banking77: tuning minilm-tuned, fold 1", 2, 2),
        ("Banking77: tuning minilm-tuned, fold 2", 1, 2),
        ("Banking77: tuning minilm-tuned, fold 2", 2, 2),
    ]
