"""Fine-tuning MiniLM on a shop's utterances: the tuned recipe, its saved model, and `train intents --finetune`."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.understanding.intents.ensemble import AveragedPipelines
from bot.understanding.intents.finetune import TunedEncoder, TuneOptions, finetune, fit_finetuned
from bot.understanding.intents.model import IntentModel

ROWS = [
    ("where is my parcel", "track"),
    ("track my package", "track"),
    ("has my order shipped yet", "track"),
    ("when will the delivery arrive", "track"),
    ("I want my money back", "refund"),
    ("refund please", "refund"),
    ("return this for a refund", "refund"),
    ("can I get a refund for the shoes", "refund"),
    ("hello there", "greeting"),
    ("hi", "greeting"),
    ("good morning", "greeting"),
    ("hey anyone around?", "greeting"),
]


@pytest.fixture(scope="module")
def tuned(tmp_path_factory: pytest.TempPathFactory) -> tuple[IntentModel, Path]:
    out = tmp_path_factory.mktemp("tuned") / "encoder"
    texts, labels = zip(*ROWS)
    model = fit_finetuned(texts, labels, out, options=TuneOptions(epochs=2))
    return model, out


def test_the_tuned_model_learns_its_labels_and_reads_its_encoder_from_disk(tuned: tuple[IntentModel, Path]) -> None:
    model, out = tuned
    assert (out / "config.json").exists()
    assert sorted(model.labels) == ["greeting", "refund", "track"]
    assert [p.label for p in model.predict_many(["where is my package", "I want a refund"])] == ["track", "refund"]
    again = pickle.loads(pickle.dumps(model))  # the cache file holds the encoder's folder, not its weights
    assert isinstance(again.pipeline, AveragedPipelines)
    prediction = again.predict("hello")
    assert prediction.label == "greeting" and 0.0 < prediction.confidence <= 1.0
    assert abs(sum(p for _, p in prediction.ranked) - 1.0) < 1e-6


def test_an_averaged_model_has_no_energy_score(tuned: tuple[IntentModel, Path]) -> None:
    model, _ = tuned
    with pytest.raises(TypeError, match="threshold its probability"):
        model.pipeline.decision_function(["hello"])


def test_bad_input_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least two labels"):
        finetune(["a", "b"], ["x", "x"], tmp_path / "enc")
    with pytest.raises(ValueError, match="as many labels"):
        finetune(["a", "b"], ["x"], tmp_path / "enc")
    with pytest.raises(FileNotFoundError, match="train again"):
        TunedEncoder(tmp_path / "nowhere")(["hello"])


def test_train_intents_finetune_saves_a_model_the_service_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.understanding.intents.finetune import TUNED_ENCODER
    from bot.understanding.intents.model import CUSTOM_MODEL, active_model

    data_dir = tmp_path / "data"
    monkeypatch.setenv("SHOPKEEPER_DATA_DIR", str(data_dir))
    monkeypatch.chdir(tmp_path)
    csv = tmp_path / "mine.csv"
    csv.write_text("text,label\n" + "\n".join(f"{t},{y}" for t, y in ROWS * 2), encoding="utf-8")
    result = CliRunner().invoke(app, ["train", "intents", "--data", str(csv), "--finetune"])
    assert result.exit_code == 0, result.output
    assert "24 utterances, 3 intents" in result.output
    assert (data_dir / "models" / CUSTOM_MODEL).exists() and (data_dir / "models" / TUNED_ENCODER).is_dir()
    assert active_model(data_dir / "models").predict("track my parcel please").label == "track"


def test_frozen_word_embeddings_stay_as_the_base_had_them(tmp_path: Path) -> None:
    from sentence_transformers import SentenceTransformer

    from bot.understanding.intents.finetune import _load_base

    texts, labels = zip(*ROWS)
    finetune(texts, labels, tmp_path / "enc", TuneOptions(epochs=1, freeze_embeddings=True))

    def weights(model: SentenceTransformer) -> dict[str, Any]:
        transformer: Any = model[0]
        return dict(transformer.auto_model.state_dict())

    base, tuned = weights(_load_base()), weights(SentenceTransformer(str(tmp_path / "enc"), device="cpu"))
    table = "embeddings.word_embeddings.weight"
    assert base[table].equal(tuned[table])
    layer = "encoder.layer.5.output.dense.weight"
    assert not base[layer].equal(tuned[layer])
