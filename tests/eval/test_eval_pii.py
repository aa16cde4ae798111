"""The bench-pii figures: scrub and bare presidio timed on the same messages, and the printed ratio."""

from __future__ import annotations

from bot.privacy.scrubber import PiiScrubber
from eval.bench_pii import MESSAGES, benchmark, sized, summary


def test_messages_are_200_characters_of_both_languages() -> None:
    assert {len(sized(m)) for m in MESSAGES.values()} == {200}
    assert any("\u4e00" <= c <= "\u9fff" for c in MESSAGES["zh"])


def test_benchmark_reports_scrub_percentiles_per_message() -> None:
    # Bare presidio is left out here (building it loads spaCy again); `eval pii --smoke` runs both.
    metrics = benchmark(PiiScrubber(use_ner=False), rounds=3, with_presidio=False)
    for name in MESSAGES:
        assert 0 < metrics[f"scrub_{name}_p50_ms"] <= metrics[f"scrub_{name}_p95_ms"]
    lines = summary(metrics)
    assert len(lines) == len(MESSAGES) and all("scrub p50/p95" in line for line in lines)


def test_summary_prints_the_ratio_next_to_presidio() -> None:
    metrics: dict[str, float] = {}
    for name in MESSAGES:
        for q in ("p50", "p95"):
            metrics[f"scrub_{name}_{q}_ms"], metrics[f"presidio_{name}_{q}_ms"] = 5.0, 50.0
    metrics.update({f"presidio_over_scrub_{name}_p95": 10.0 for name in MESSAGES})
    assert all("bare presidio 50.0/50.0 ms" in line and "= 10.0x" in line for line in summary(metrics))


def test_summary_prints_the_old_spacy_pass_under_its_message() -> None:
    metrics = {f"scrub_{name}_{q}_ms": 5.0 for name in MESSAGES for q in ("p50", "p95")}
    for label, value in (("scrub_before", 40.0), ("ner_before", 38.0), ("ner", 20.0)):
        metrics.update({f"{label}_en_ner_p50_ms": value, f"{label}_en_ner_p95_ms": value + 1})
    lines = summary(metrics)
    assert len(lines) == len(MESSAGES) + 1
    assert lines[2].strip() == (
        "before 79d84ed: scrub 40.0/41.0 ms; the spaCy call alone 38.0/39.0 ms before, 20.0/21.0 ms now"
    )


def test_without_spacy_there_is_no_old_pass_to_time() -> None:
    metrics = benchmark(PiiScrubber(use_ner=False), rounds=2, with_presidio=False, with_before=True)
    assert not any(key.startswith(("scrub_before", "ner_")) for key in metrics)
