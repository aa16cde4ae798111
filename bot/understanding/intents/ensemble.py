"""Several fitted intent pipelines as one: their class probabilities averaged (tuned vectors + n-grams)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from bot.understanding.intents.inference import predict_proba

if TYPE_CHECKING:
    import numpy as np
    from sklearn.pipeline import Pipeline


class AveragedPipelines:
    """Soft voting over pipelines fitted on the same labels; each part keeps its own fast compiled form.

    Two logistic regressions on different views (a fine-tuned encoder's vectors, word and character
    n-grams) err on different utterances, so the mean of their probabilities beats either alone.
    """

    def __init__(self, pipelines: Sequence[Pipeline]) -> None:
        if not pipelines:
            raise ValueError("an average needs at least one pipeline")
        self.pipelines = list(pipelines)

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> AveragedPipelines:
        for pipeline in self.pipelines:
            pipeline.fit(list(texts), list(labels))
        first = [str(c) for c in self.pipelines[0].classes_]
        if any([str(c) for c in p.classes_] != first for p in self.pipelines[1:]):
            raise ValueError("the averaged pipelines learned different labels")
        return self

    @property
    def classes_(self) -> np.ndarray:
        return self.pipelines[0].classes_

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        total = predict_proba(self.pipelines[0], texts)
        for pipeline in self.pipelines[1:]:
            total = total + predict_proba(pipeline, texts)
        return total / len(self.pipelines)

    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        # Raw scores of different models are on different scales: an energy threshold would mean nothing.
        raise TypeError("an averaged model has no single score scale: threshold its probability instead")
