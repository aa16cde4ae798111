"""`shopkeeper eval pii`: span precision and recall per entity on public and own data, plus scrub latency."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

from bot.privacy.recognizers import valid_cn_id
from bot.privacy.scrubber import PiiScrubber
from bot.types import JSON
from eval.bench_pii import benchmark, summary
from eval.harness import Chart, SuiteOptions, SuiteResult, suite
from eval.public_data import SHARED_DATA

if TYPE_CHECKING:
    from matplotlib.axes import Axes

OWN_MESSAGES = Path(__file__).parent / "data" / "pii_shopper_messages.json"
PRESIDIO_SET = SHARED_DATA / "pii_presidio" / "synth_dataset_v2.json"
MULTIPRIV_SET = SHARED_DATA / "pii_zh_multipriv" / "data_person_1000_zh.json"

#: Gold label -> the scrubber's placeholder stem it must be found as.
CANONICAL = {
    "PERSON": "PERSON",
    "STREET_ADDRESS": "LOCATION",
    "GPE": "LOCATION",
    "LOCATION": "LOCATION",
    "CREDIT_CARD": "CREDIT_CARD",
    "PHONE_NUMBER": "PHONE",
    "PHONE": "PHONE",
    "CN_MOBILE": "PHONE",
    "EMAIL_ADDRESS": "EMAIL",
    "EMAIL": "EMAIL",
    "IBAN_CODE": "IBAN",
    "IBAN": "IBAN",
    "US_SSN": "SSN",
    "SSN": "SSN",
    "IP_ADDRESS": "IP",
    "IP": "IP",
    "CN_ID": "CN_ID",
    "DOB": "DOB",
}
#: Gold types we do not scrub by design; a detection on one is neither right nor wrong.
IGNORED = {
    *("ORGANIZATION", "DATE_TIME", "ZIP_CODE", "NRP", "TITLE", "AGE", "DOMAIN_NAME", "US_DRIVER_LICENSE"),
    "CN_ID_INVALID",
}
#: Recall goals from the issue, checked on every set that has the label.
RECALL_GOALS = {"EMAIL": 0.99, "PHONE": 0.99, "CREDIT_CARD": 0.99, "IBAN": 0.99, "CN_MOBILE": 0.99, "CN_ID": 0.99}
#: Goals on the public sets: recall of the shaped kinds and English PERSON on presidio-research, and
#: Chinese mobiles and valid resident IDs on multipriv.
PUBLIC_GOALS = {
    "presidio_recall_PERSON": 0.85,
    "presidio_recall_EMAIL_ADDRESS": 0.99,
    "presidio_recall_PHONE_NUMBER": 0.99,
    "presidio_recall_IBAN_CODE": 0.99,
    "presidio_recall_CREDIT_CARD": 0.99,
}
MULTIPRIV_GOALS = {"multipriv_recall_CN_MOBILE": 0.99, "multipriv_recall_CN_ID": 0.99}
SMOKE_RECORDS = 100


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str


@dataclass(frozen=True)
class Record:
    text: str
    spans: tuple[Span, ...]
    language: str = "en"


@dataclass
class Tally:
    """Counts per gold label (recall) and per predicted stem (precision)."""

    found: dict[str, int] = field(default_factory=dict)
    gold: dict[str, int] = field(default_factory=dict)
    masked: dict[str, int] = field(default_factory=dict)
    correct: dict[str, int] = field(default_factory=dict)
    predicted: dict[str, int] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    def add(self, record: Record, predicted: Sequence[Span]) -> None:
        for g in record.spans:
            if g.label in IGNORED:
                continue
            want = CANONICAL.get(g.label, g.label)
            _bump(self.gold, g.label)
            if any(_overlap(g, p) and p.label == want for p in predicted):
                _bump(self.found, g.label)
            elif len(self.misses) < 40:
                self.misses.append(f"{g.label} {record.text[g.start : g.end]!r} in {record.text[:90]!r}")
            if any(_overlap(g, p) for p in predicted):
                _bump(self.masked, g.label)
        for p in predicted:
            overlapping = [g for g in record.spans if _overlap(g, p)]
            if overlapping and all(g.label in IGNORED for g in overlapping):
                continue
            _bump(self.predicted, p.label)
            if any(CANONICAL.get(g.label, g.label) == p.label for g in overlapping):
                _bump(self.correct, p.label)

    def metrics(self, prefix: str) -> dict[str, float]:
        out: dict[str, float] = {}
        for label, n in self.gold.items():
            out[f"{prefix}_recall_{label}"] = self.found.get(label, 0) / n
            out[f"{prefix}_masked_{label}"] = self.masked.get(label, 0) / n
        for stem, n in self.predicted.items():
            out[f"{prefix}_precision_{stem}"] = self.correct.get(stem, 0) / n
        return out


def _bump(counts: dict[str, int], key: str) -> None:
    counts[key] = counts.get(key, 0) + 1


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def own_records() -> list[Record]:
    doc = json.loads(OWN_MESSAGES.read_text(encoding="utf-8"))
    return [
        Record(m["text"], tuple(Span(s["start"], s["end"], s["label"]) for s in m["spans"]), m["language"])
        for m in doc["messages"]
    ]


def presidio_records() -> list[Record]:
    rows = json.loads(PRESIDIO_SET.read_text(encoding="utf-8"))
    return [
        Record(
            r["full_text"],
            tuple(Span(s["start_position"], s["end_position"], s["entity_type"]) for s in r["spans"]),
        )
        for r in rows
    ]


def multipriv_records() -> list[Record]:
    """Gold spans are where each field's value occurs in the record's paragraph."""
    out = []
    for r in json.loads(MULTIPRIV_SET.read_text(encoding="utf-8")):
        text = str(r.get("naturalParagraph", ""))
        spans: list[Span] = []
        phone = str(r.get("phoneNumbers", ""))
        number = str(r.get("idCardNumbers", ""))
        fields = [
            (str(r.get("name", "")), "PERSON"),
            (str(r.get("doctor", "")), "PERSON"),
            (str(r.get("emailAddress", "")), "EMAIL"),
            (phone, "CN_MOBILE" if phone.startswith("1") and len(phone) == 11 else "PHONE"),
            (number, "CN_ID" if valid_cn_id(number) else "CN_ID_INVALID"),
            (str(r.get("location", "")), "LOCATION"),
        ]
        for value, label in fields:
            start = text.find(value) if value else -1
            while start >= 0:
                spans.append(Span(start, start + len(value), label))
                start = text.find(value, start + len(value))
        out.append(Record(text, tuple(spans), "zh"))
    return out


def predict(scrubber: PiiScrubber, text: str) -> list[Span]:
    return [Span(f.start, f.end, f.kind) for f in scrubber.detect(text)]


def evaluate(scrubber: PiiScrubber, records: Iterable[Record]) -> Tally:
    tally = Tally()
    for record in records:
        tally.add(record, predict(scrubber, record.text))
    return tally


@suite("pii")
def pii_suite(options: SuiteOptions) -> SuiteResult:
    """Own bilingual shopper messages, the presidio-research set, the Chinese multipriv records; latency."""
    scrubber = PiiScrubber()
    scrubber.warm_up()
    metrics: dict[str, float] = {}
    notes = [
        "Span-level: a gold span is recalled when a detection of the same kind overlaps it; precision counts "
        "detections overlapping a gold span of the same kind (detections on gold types we do not scrub by "
        f"design — {', '.join(sorted(IGNORED))} — are left out). `masked_*` is recall by any placeholder.",
    ]
    details: list[dict[str, JSON]] = []
    sets: list[tuple[str, Path, object]] = [
        ("own", OWN_MESSAGES, own_records),
        ("presidio", PRESIDIO_SET, presidio_records),
        ("multipriv", MULTIPRIV_SET, multipriv_records),
    ]
    for name, path, load in sets:
        if not path.exists():
            notes.append(f"{name}: skipped, {path} is absent.")
            continue
        records = load()  # type: ignore[operator]
        if options.smoke and name != "own":
            records = records[:SMOKE_RECORDS]
        options.progress(f"PII {name}", 0, 1)
        tally = evaluate(scrubber, records)
        metrics.update(tally.metrics(name))
        notes.append(f"{name}: {len(records)} records from {path.name}.")
        for label in sorted(tally.gold):
            details.append(
                {
                    "set": name,
                    "entity": label,
                    "gold": tally.gold[label],
                    "recall": round(tally.found.get(label, 0) / tally.gold[label], 4),
                    "masked": round(tally.masked.get(label, 0) / tally.gold[label], 4),
                    "precision": _precision(tally, CANONICAL.get(label, label)),
                }
            )
        notes += [f"{name} miss: {m}" for m in tally.misses[:8]]
    latency = benchmark(scrubber, rounds=20 if options.smoke else 200)
    metrics.update(latency)
    notes += [f"Scrub vs bare presidio on 200-character messages, same run: {line}" for line in summary(latency)]
    thresholds = {
        f"own_recall_{label}": goal for label, goal in RECALL_GOALS.items() if f"own_recall_{label}" in metrics
    }
    # The goals on public data, checked wherever the data is present.
    public_goals = {**PUBLIC_GOALS} if "presidio_recall_PERSON" in metrics else {}
    public_goals.update({k: v for k, v in MULTIPRIV_GOALS.items() if "multipriv_recall_CN_ID" in metrics})
    thresholds.update({k: v for k, v in public_goals.items() if k in metrics})
    return SuiteResult(
        name="pii",
        metrics=metrics,
        thresholds=thresholds,
        ceilings={"scrub_en_p95_ms": 40.0, "scrub_zh_p95_ms": 40.0} if not options.smoke else {},
        details=details,
        charts=[_recall_chart(details)],
        notes=notes,
    )


def _precision(tally: Tally, stem: str) -> JSON:
    n = tally.predicted.get(stem, 0)
    return round(tally.correct.get(stem, 0) / n, 4) if n else None


def _recall_chart(details: list[dict[str, JSON]]) -> Chart:
    def draw(ax: Axes) -> None:
        rows = [d for d in details if isinstance(d.get("recall"), float)]
        labels = [f"{d['set']}:{d['entity']}" for d in rows]
        ax.barh(range(len(rows)), [float(d["recall"]) for d in rows], color="tab:blue")  # type: ignore[arg-type]
        ax.set_yticks(range(len(rows)), labels, fontsize=7)
        ax.set_xlim(0, 1.02)
        ax.set_xlabel("recall (same kind, overlapping span)")

    return Chart(name="pii_recall", title="PII recall per entity and data set", draw=draw)
