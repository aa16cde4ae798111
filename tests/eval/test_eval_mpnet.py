"""Assembling all-mpnet-base-v2 from its split-zip packages: joined in order, checked, unpacked once."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from typing import Sequence

import numpy as np
import pytest

from eval import mpnet
from eval.intents import banking_averaged

WEIGHTS = b"not really weights, but bytes with a known hash"


def split_zip(tmp_path: Path, members: dict[str, bytes], parts: int = 3) -> list[Path]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    raw = buffer.getvalue()
    size = len(raw) // parts + 1
    paths = []
    for i in range(parts):
        path = tmp_path / f"all-mpnet-base-v2.zip.{i + 1:03d}"
        path.write_bytes(raw[i * size : (i + 1) * size])
        paths.append(path)
    return paths


def model_members() -> dict[str, bytes]:
    return {
        "all-mpnet-base-v2/model.safetensors": WEIGHTS,
        "all-mpnet-base-v2/config.json": b"{}",
        "all-mpnet-base-v2/desktop.ini": b"[.ShellClassInfo]",
    }


def test_the_parts_are_joined_checked_and_unpacked_once(tmp_path: Path) -> None:
    parts = split_zip(tmp_path, model_members())
    expected = hashlib.sha256(WEIGHTS).hexdigest()
    folder = mpnet.assemble(parts, tmp_path / "models", expected)
    assert (folder / "model.safetensors").read_bytes() == WEIGHTS
    assert (folder / "config.json").is_file() and not (folder / "desktop.ini").exists()
    for part in parts:
        part.unlink()
    assert mpnet.assemble(parts, tmp_path / "models", expected) == folder  # verified before: reused
    assert not list((tmp_path / "models").glob(".mpnet-*"))  # no joined zip left behind


def test_weights_with_another_hash_are_refused(tmp_path: Path) -> None:
    parts = split_zip(tmp_path, model_members())
    with pytest.raises(mpnet.MpnetMissing, match="not the published"):
        mpnet.assemble(parts, tmp_path / "models")
    assert not (tmp_path / "models" / mpnet.FOLDER).exists()


def test_parts_out_of_order_or_escaping_paths_are_refused(tmp_path: Path) -> None:
    parts = split_zip(tmp_path, model_members())
    with pytest.raises(mpnet.MpnetMissing, match="not a zip"):
        mpnet.assemble(list(reversed(parts)), tmp_path / "models", hashlib.sha256(WEIGHTS).hexdigest())
    evil = split_zip(tmp_path, {"all-mpnet-base-v2/../../outside.txt": b"x", **model_members()})
    with pytest.raises(mpnet.MpnetMissing, match="unexpected path"):
        mpnet.assemble(evil, tmp_path / "models", hashlib.sha256(WEIGHTS).hexdigest())
    assert not (tmp_path / "outside.txt").exists()


def test_missing_parts_name_the_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mpnet, "PARTS", ("shopkeeper-no-such-package-part-001",))
    with pytest.raises(mpnet.MpnetMissing, match=r"intent-bench"):
        mpnet.part_files()
    assert mpnet.available() is False


class Letters:
    """A stand-in encoder: counts of a few letters, enough to tell the test labels apart."""

    name = "letters"

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        return np.array([[t.count(c) + 0.1 for c in "cdrf"] for t in texts], dtype=np.float32)


def test_banking_averaged_scores_every_utterance_once(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [f"card {w} number {i}" for i in range(10) for w in ("declined", "lost")]
    texts += [f"refund {w} order {i}" for i in range(10) for w in ("late", "wrong")]
    labels = ["card"] * 20 + ["refund"] * 20
    monkeypatch.setattr("eval.intents.read_csv", lambda path: (texts, labels))
    seen: list[int] = []

    def members(x: list[str], y: list[str], shown: list[str]) -> list[Letters]:
        seen.append(len(shown))
        assert not set(shown) & set(x)  # a fold's test utterances are never trained on
        return [Letters()]

    metrics, scores = banking_averaged(members, "b_")
    assert sum(seen) == 40 and len(seen) == 5
    assert metrics["b_accuracy"] == 1.0 and set(metrics) == {"b_accuracy", "b_macro_f1"}


def test_without_the_parts_banking77_is_the_tuned_recipe_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.settings import Settings
    from eval.harness import SuiteOptions
    from eval.intents import banking_runs

    options = SuiteOptions(settings=Settings(data_dir=tmp_path), data_dir=tmp_path)

    monkeypatch.setattr(mpnet, "available", lambda: False)
    notes: list[str] = []
    runs = banking_runs(options, None, notes)
    assert [name for name, _, _ in runs] == ["banking77", "banking77_frozen"]
    assert "intent-bench" in notes[0]
    monkeypatch.setattr(mpnet, "available", lambda: True)
    names = [name for name, _, _ in banking_runs(options, None, [])]
    assert names == [
        "banking77",
        "banking77_frozen_mpnet",
        "banking77_tuned",
        "banking77_tuned_mpnet",
        "banking77_frozen",
    ]
