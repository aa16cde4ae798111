"""Language, intent, sentiment and slots of one scrubbed message (en + zh): a trained model plus keyword rules."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping

from bot.text import detect_language
from bot.types import Intent, Language, Sentiment, Understanding
from bot.understanding.frustration import frustration
from bot.understanding.intents.model import Prediction, active_model, coarse_intent
from bot.understanding.intents.rules import classify_intent
from bot.understanding.sentiment import scorer
from bot.understanding.sentiment.lexicon import lexicon_sentiment
from bot.understanding.slots import extract_slots


@dataclass(frozen=True)
class Understander:
    """Language, slots, sentiment, and intent from the trained model blended with the keyword rules."""

    min_confidence: float = 0.35
    """Below this top probability of the model the intent is out_of_scope (or inform with slots)."""
    cache_dir: Path | None = None
    """Where the trained intent model is cached (the data dir's models/); None trains in memory."""
    use_model: bool = True
    """False: keyword rules only (no model to train or load)."""
    rule_weight: float = 0.3
    """How much the keyword rules' choice adds to the model's probability of that coarse label."""
    sentiment_models: bool = True
    """Blend VADER (en) and SnowNLP (zh) into the lexicon score (False: lexicon only)."""

    def understand(self, scrubbed_text: str, locale: Language | None = None) -> Understanding:
        slots = extract_slots(scrubbed_text)
        language = detect_language(scrubbed_text, locale)
        rules = classify_intent(scrubbed_text, slots)
        intent = rules
        if self.use_model and rules.label != "inform":
            intent = blend(active_model(self.cache_dir).predict(scrubbed_text), rules, slots, self)
        return Understanding(
            language=language,
            intent=intent,
            sentiment=self._sentiment(scrubbed_text),
            slots=slots,
        )

    def _sentiment(self, text: str) -> Sentiment:
        lexicon = lexicon_sentiment(text)
        if self.sentiment_models:
            lexicon = scorer.score_sentiment(text, lexicon.score)
        return replace(lexicon, frustration=frustration(text, lexicon.score))

    def warm_up(self) -> None:
        """Trains or loads the intent model now instead of on the first message."""
        if self.use_model:
            active_model(self.cache_dir).predict("hello")


def blend(pred: Prediction, rules: Intent, slots: Mapping[str, str], u: Understander) -> Intent:
    """The model's distribution summed per coarse label, nudged towards the keyword rules' label.

    An explicit request for a human is the shopper's choice, so a confident rule match wins outright.
    """
    if rules.label == "human_agent" and rules.confidence >= 0.6:
        return Intent("human_agent", rules.confidence, fine=pred.label if pred.label == "human_agent" else "")
    scores: dict[str, float] = {}
    for label, p in pred.ranked:
        scores[coarse_intent(label)] = scores.get(coarse_intent(label), 0.0) + p
    if rules.label in scores and rules.label != "out_of_scope":
        scores[rules.label] += u.rule_weight
    best = max(scores, key=lambda k: scores[k])
    confidence = min(1.0, scores[best])
    fine = next((label for label, _ in pred.ranked if coarse_intent(label) == best), best)
    if pred.confidence < u.min_confidence and rules.label == "out_of_scope":
        best, fine = ("inform", "inform") if slots else ("out_of_scope", "out_of_scope")
    return Intent(best, round(confidence, 4), fine=fine)
