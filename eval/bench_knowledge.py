"""Benchmark: our hybrid knowledge base vs the standard LangChain recipe on a generated catalogue plus the policies.

Measured in one run on the same texts and the same embedding model:
- the embedding bound: the raw model encoding every chunk text once;
- ours: `KnowledgeBase.ingest_documents` (chunking, embedding, Chroma, BM25), a re-ingestion of the
  unchanged corpus, hybrid search latency and hit@5 / MRR on eval/data/retrieval_questions.json;
- LangChain: `RecursiveCharacterTextSplitter` + `langchain_chroma.Chroma.from_documents`, then
  `similarity_search` (dense only), same figures.
A question hits when a passage comes from one of its topic files in either language (both are
indexed). Queries are timed side by side (each question asked of every system in turn), so the
latency ratios hold on a shared machine. `shopkeeper eval bench-knowledge` runs 20,000 products
(`--smoke`: 500); `python -m eval.bench_knowledge --products N [--out FILE]` picks another size and
writes the figures so far after each phase (a long run interrupted still leaves its numbers).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence, cast

from rich.console import Console

from bot.types import JSON, Document
from eval.harness import SuiteOptions, SuiteResult, suite
from eval.retrieval import RetrievalQuestion, load_questions, pair_metrics, rank_of

if TYPE_CHECKING:
    from knowledge import Embedder, KnowledgeBase

FULL_PRODUCTS = 20_000
SMOKE_PRODUCTS = 500

_ADJECTIVES = (
    "linen stoneware walnut brass cotton wool enamel ceramic oak bamboo glass copper velvet jute marble".split()
)
_COLOURS = "sand sage navy ivory charcoal terracotta olive blush slate ochre".split()
_THINGS = [
    ("duvet cover", "bedding", "soft from the first night and breathable in summer"),
    ("table lamp", "lighting", "gives a warm, even light for reading"),
    ("kettle", "kitchenware", "boils a full pot in under five minutes"),
    ("storage basket", "storage", "keeps blankets and toys out of sight"),
    ("dinner plate set", "kitchenware", "is safe in the dishwasher and the microwave"),
    ("throw pillow", "decor", "adds colour to a sofa or a reading chair"),
    ("floor rug", "decor", "is woven by hand and easy to vacuum"),
    ("pendant light", "lighting", "hangs from a braided fabric cord"),
    ("casserole pot", "kitchenware", "holds heat for slow cooking"),
    ("shelf unit", "storage", "assembles in ten minutes without tools"),
]


def generate_catalogue(n: int, seed: int = 7) -> list[Document]:
    """n product documents with a title, a description, a price and variants (deterministic)."""
    rng = random.Random(seed)
    documents = []
    for i in range(n):
        material = rng.choice(_ADJECTIVES)
        thing, category, virtue = rng.choice(_THINGS)
        colours = rng.sample(_COLOURS, 3)
        title = f"{material.capitalize()} {thing} no. {i}"
        text = (
            f"# {title}\n\nA {material} {thing} from our {category} range that {virtue}. "
            f"Price ${rng.randint(9, 400)}.{rng.choice(['00', '50', '95'])}. "
            f"Variants: {', '.join(colours)}. Care: wipe clean or follow the label."
        )
        documents.append(Document(source=f"products/{i}", title=title, text=text, kind="product", language="en"))
    return documents


def _percentiles(ms: Sequence[float]) -> tuple[float, float]:
    ordered = sorted(ms)
    return ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


#: A system under test: a question in, the sources of its passages out, best first.
Search = Callable[[str], list[str]]


def side_by_side(systems: dict[str, Search], questions: Sequence[RetrievalQuestion]) -> dict[str, dict[str, float]]:
    """hit@k, MRR and latency p50/p95 of every system, each question asked of all of them in turn.

    The order rotates per question, so a neighbour's burst of CPU on this shared machine lands on
    every system alike: the latency ratios compare like with like.
    """
    names = list(systems)
    ranks: dict[str, list[int | None]] = {name: [] for name in names}
    latencies: dict[str, list[float]] = {name: [] for name in names}
    for i, q in enumerate(questions):
        expected = q.sources("en") | q.sources("zh")
        for name in names[i % len(names) :] + names[: i % len(names)]:
            began = time.perf_counter()
            found = systems[name](q.question)
            latencies[name].append((time.perf_counter() - began) * 1000)
            ranks[name].append(rank_of(found, expected))
    results = {}
    for name in names:
        p50, p95 = _percentiles(latencies[name])
        results[name] = {"query_p50_ms": p50, "query_p95_ms": p95, **pair_metrics(ranks[name])}
    return results


def _policies() -> list[Document]:
    from knowledge import DEMO_KNOWLEDGE_DIR
    from knowledge.loaders import load_folder

    return load_folder(DEMO_KNOWLEDGE_DIR).documents


def open_ours(embedder: Embedder, folder: Path, chroma_url: str | None = None) -> KnowledgeBase:
    from bot.settings import Settings
    from knowledge import KnowledgeBase

    values: dict[str, JSON] = {"data_dir": str(folder)}
    if chroma_url:
        values["chroma_url"] = chroma_url
    return KnowledgeBase.open(Settings.model_validate(values), embedder=embedder)


def ingest_ours(kb: KnowledgeBase, corpus: list[Document]) -> dict[str, float]:
    """First ingestion, then the same corpus again (everything unchanged), timed."""
    started = time.perf_counter()
    summary = kb.ingest_documents(corpus)
    ingest_s = time.perf_counter() - started
    started = time.perf_counter()
    again = kb.ingest_documents(corpus)
    reingest_s = time.perf_counter() - started
    if again.unchanged != len(corpus):
        raise RuntimeError(f"re-ingestion changed documents: {again.counts()}")
    # Load BM25 and the chunk table now, so the first timed question does not pay for it.
    kb.search("warm up", k=1)
    return {"ingest_s": ingest_s, "reingest_s": reingest_s, "chunks": float(summary.chunks)}


class _LangChainEmbeddings:
    """The LangChain Embeddings interface over our embedder (what HuggingFaceEmbeddings does over
    SentenceTransformer.encode: batched, normalised, `.tolist()`), so both pipelines share one model."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors: list[list[float]] = self.embedder.embed(texts).tolist()
        return vectors

    def embed_query(self, text: str) -> list[float]:
        from knowledge.embeddings import SentenceTransformerEmbedder
        from knowledge.models import embed_queries

        if isinstance(self.embedder, SentenceTransformerEmbedder):
            # HuggingFaceEmbeddings.embed_query is `encode([text])`: the recipe's path, not our lean one.
            return list(self.embedder.embed([text])[0].tolist())
        vector: list[float] = embed_queries(self.embedder, [text])[0].tolist()
        return vector


def ingest_langchain(embedder: Embedder, corpus: list[Document], folder: Path) -> tuple[Any, dict[str, float]]:
    """The recipe: split, `Chroma.from_documents`; the store and its timing."""
    from langchain_chroma import Chroma
    from langchain_core.documents import Document as LCDocument
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    started = time.perf_counter()
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=100)
    docs = splitter.split_documents([LCDocument(page_content=d.text, metadata={"source": d.source}) for d in corpus])
    store = Chroma.from_documents(
        docs,
        cast(Any, _LangChainEmbeddings(embedder)),  # duck-typed: langchain_core's Embeddings interface
        persist_directory=str(folder),
        collection_name="langchain",
    )
    ingest_s = time.perf_counter() - started
    store.similarity_search("warm up", k=1)
    return store, {"ingest_s": ingest_s, "chunks": float(len(docs))}


def open_langchain(embedder: Embedder, folder: Path) -> Any:
    """The recipe's store of an earlier run (`--keep`)."""
    from langchain_chroma import Chroma

    return Chroma(
        collection_name="langchain",
        embedding_function=cast(Any, _LangChainEmbeddings(embedder)),
        persist_directory=str(folder),
    )


def _kept(folder: Path, model: str, products: int) -> dict[str, float]:
    """Ingestion figures of an earlier run whose stores are kept in `folder` (same model and size only)."""
    state = folder / "ingestion.json"
    if not state.exists():
        return {}
    saved = json.loads(state.read_text(encoding="utf-8"))
    if saved.get("model") != model or saved.get("products") != products:
        raise SystemExit(f"{folder} holds a run of {saved.get('model')} x {saved.get('products')}: use another --keep")
    return {str(k): float(v) for k, v in saved.get("metrics", {}).items()}


def bench_raw(embedder: Embedder, corpus: list[Document]) -> float:
    """Seconds the model alone needs for the chunk texts our ingestion embeds (the ingestion bound).

    Those are the chunks in the model's languages: an English-only model (MiniLM) gets no Chinese
    chunks from our pipeline (they get placeholder vectors), so it gets none here either.
    """
    from knowledge.chunking import chunk_document
    from knowledge.embeddings import embedder_languages

    languages = embedder_languages(embedder)
    chunks = [c for d in corpus for c in chunk_document(d)]
    texts = [c.embedding_text() for c in chunks if languages is None or c.language in languages]
    started = time.perf_counter()
    for start in range(0, len(texts), 256):
        embedder.embed(texts[start : start + 256])
    return time.perf_counter() - started


def run_bench(
    model: str,
    products: int,
    threads: int,
    chroma_url: str | None = None,
    progress: Callable[[str], None] = lambda _: None,
    out: Path | None = None,
    keep: Path | None = None,
) -> tuple[dict[str, float], list[str]]:
    """Every figure, phase by phase; with `out`, the figures so far are written there after each phase.

    With `keep` the stores live in that folder and survive the run; a later run with the same folder,
    model and size reuses them and their ingestion figures and measures the queries again.
    """
    from knowledge import make_embedder

    embedder = make_embedder(model, threads=threads)
    embedder.embed(["load the model before timing"])
    corpus = _policies() + generate_catalogue(products)
    questions = load_questions()
    metrics: dict[str, float] = {"products": float(products), "documents": float(len(corpus))}
    notes = [
        f"Model {model!r}, {threads} threads; {products} generated products + {len(corpus) - products} policy files; "
        f"{len(questions)} questions from eval/data/retrieval_questions.json (either language's file counts).",
        "Ratios are ours / LangChain for times (below 1: ours faster) and raw encode time / pipeline time for "
        "ingestion (1.0 would be the embedding bound). Queries are timed side by side, each question asked of "
        "every system in turn.",
    ]

    def record(prefix: str, values: dict[str, float], label: str) -> None:
        for key, value in values.items():
            metrics[f"{prefix}_{key}" if prefix else key] = round(value, 4)
        progress(f"{label} done")
        if out is not None:
            out.write_text(json.dumps({"notes": notes, "metrics": metrics}, indent=2) + "\n", encoding="utf-8")

    with contextlib.ExitStack() as stack:
        if keep is None:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="shopkeeper-bench-")))
            kept: dict[str, float] = {}
        else:
            folder = keep
            folder.mkdir(parents=True, exist_ok=True)
            kept = _kept(folder, model, products)
            if kept:
                notes.append(f"Ingestion figures and stores reused from an earlier run kept in {folder}.")

        def phase(prefix: str, keys: tuple[str, ...], run: Callable[[], dict[str, float]], label: str) -> None:
            names = [f"{prefix}_{key}" if prefix else key for key in keys]
            if all(name in kept for name in names):
                start = f"{prefix}_" if prefix else "raw_"
                record("", {k: v for k, v in kept.items() if k.startswith(start)}, f"{label} (kept)")
                return
            record(prefix, run(), label)
            if keep is not None:
                saved = {k: v for k, v in metrics.items() if k.endswith("_s") or k.endswith("chunks")}
                state = {"model": model, "products": products, "metrics": saved}
                (folder / "ingestion.json").write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")

        progress("raw encode")
        phase("", ("raw_encode_s",), lambda: {"raw_encode_s": bench_raw(embedder, corpus)}, "raw encode")
        progress("ours: ingestion")
        ours = open_ours(embedder, folder / "ours")
        phase("ours", ("ingest_s", "reingest_s"), lambda: ingest_ours(ours, corpus), "ours")
        ours.search("warm up", k=1)
        metrics["ours_ingest_vs_raw_encode"] = round(metrics["raw_encode_s"] / metrics["ours_ingest_s"], 3)
        metrics["reingest_fraction"] = round(metrics["ours_reingest_s"] / metrics["ours_ingest_s"], 4)
        progress("langchain: ingestion")
        lang_store: Any = None

        def langchain() -> dict[str, float]:
            nonlocal lang_store
            lang_store, figures = ingest_langchain(embedder, corpus, folder / "langchain")
            return figures

        phase("langchain", ("ingest_s",), langchain, "langchain")
        if lang_store is None:
            lang_store = open_langchain(embedder, folder / "langchain")
            lang_store.similarity_search("warm up", k=1)
        metrics["langchain_ingest_vs_raw_encode"] = round(metrics["raw_encode_s"] / metrics["langchain_ingest_s"], 3)
        metrics["ingest_time_ratio_ours_over_langchain"] = round(
            metrics["ours_ingest_s"] / metrics["langchain_ingest_s"], 3
        )
        store = lang_store
        systems: dict[str, Search] = {
            "ours": lambda q: [p.source for p in ours.search(q, k=10)],
            "langchain": lambda q: [str(d.metadata.get("source", "")) for d in store.similarity_search(q, k=10)],
        }
        if chroma_url:
            progress("ours, chroma server: ingestion")
            # Same data dir: the embedding cache is warm, so this measures the server's writes.
            server = open_ours(embedder, folder / "ours", chroma_url=chroma_url)
            if server.count() == 0:
                kept.pop("server_ingest_s", None)
            phase("server", ("ingest_s", "reingest_s"), lambda: ingest_ours(server, corpus), "server ingestion")
            server.search("warm up", k=1)
            systems["server"] = lambda q: [p.source for p in server.search(q, k=10)]
        progress("queries, side by side")
        for name, values in side_by_side(systems, questions).items():
            record(name, values, f"{name} queries")
    for system in ("ours", "server"):
        for stat in ("p50", "p95"):
            if f"{system}_query_{stat}_ms" in metrics:
                ratio = metrics[f"{system}_query_{stat}_ms"] / metrics[f"langchain_query_{stat}_ms"]
                metrics[f"query_{stat}_ratio_{system}_over_langchain"] = round(ratio, 3)
    metrics["hit5_ours_minus_langchain"] = round(metrics["ours_hit5"] - metrics["langchain_hit5"], 4)
    record("", {}, "all")
    return metrics, notes


@suite("bench-knowledge")
def bench_suite(options: SuiteOptions) -> SuiteResult:
    settings = options.settings
    products = SMOKE_PRODUCTS if options.smoke else FULL_PRODUCTS
    metrics, notes = run_bench(
        settings.embedding_model,
        products,
        settings.torch_threads,
        chroma_url=settings.chroma_url,
        progress=lambda label: options.progress(label, 0, 0),
    )
    result = SuiteResult(name="bench-knowledge", metrics=metrics, notes=notes)
    if options.smoke:
        result.thresholds = {"hit5_ours_minus_langchain": 0.0}
    return result


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Ours vs the LangChain recipe on a generated catalogue.")
    parser.add_argument("--model", default="usem3")
    parser.add_argument("--products", type=int, default=FULL_PRODUCTS)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--chroma-url", default=None, help="also measure ours against this `chroma run` server")
    parser.add_argument("--out", type=Path, default=None, help="write the figures so far here (JSON) after each phase")
    parser.add_argument(
        "--keep", type=Path, default=None, help="keep the stores here; a later run with it re-measures the queries only"
    )
    parser.add_argument("--report", type=Path, default=None, help="also write the eval report (report.md/json) here")
    args = parser.parse_args(argv)
    console = Console()
    started = time.perf_counter()
    metrics, notes = run_bench(
        args.model,
        args.products,
        args.threads,
        args.chroma_url,
        progress=lambda label: console.print(f"[dim]{time.strftime('%H:%M:%S')} {label}[/dim]"),
        out=args.out,
        keep=args.keep,
    )
    for note in notes:
        console.print(note)
    for key, value in metrics.items():
        console.print(f"{key:45s} {value:g}")
    if args.report is not None:
        from eval.harness import write_report

        command = "python -m eval.bench_knowledge " + " ".join(sys.argv[1:] if argv is None else argv)
        result = SuiteResult(name="bench-knowledge", metrics=metrics, notes=[*notes, f"Command: {command}"])
        result.seconds = time.perf_counter() - started
        write_report(result, args.report)
        console.print(f"Report written to {args.report / 'report.md'}")


if __name__ == "__main__":
    main()
