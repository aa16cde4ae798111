"""Benchmark: one catalogue lookup as the shopper's question needs it, on a generated catalogue of 20,000 products.

A lookup is what a product question costs the engine: `search_products` for the shopper's loose wording,
then `get_variant_details` on the best match with the options named (the catalogue tools of
bot/agent/tools/catalogue.py, through a ToolContext). The catalogue is generated (seeded): English and
Chinese names and descriptions, 1 to 6 variants each (colour x size), prices and stock. The queries are
shopper-like: a product named loosely in either language with options, a wording with words missing or
reordered, and things the shop does not sell. Measured at 20,000 products and at 1,000 side by side:
the index build time and the p50 / p95 / max of a lookup. Target: p95 <= 20 ms at 20,000.

The index is the one the service wires into `ToolContext.catalogue`; `--index module:function` names a
builder (`function(inventory) -> ProductSearch`), and with none the tools scan the backend (their fallback).
"""

from __future__ import annotations

import argparse
import importlib
import json
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.agent.tools.catalogue import get_variant_details, search_products
from bot.agent.tools.context import ProductSearch, ToolContext
from bot.ports import InventoryBackend
from bot.testing.fakes import FakeRetriever, FakeShop
from bot.types import JSON, Product, Variant
from eval.harness import SuiteOptions, SuiteResult, suite

FULL_PRODUCTS = 20_000
SMALL_PRODUCTS = 1_000
SMOKE_PRODUCTS = 300
QUERIES = 300
SMOKE_QUERIES = 60
TARGET_P95_MS = 20.0

IndexBuilder = Callable[[InventoryBackend], ProductSearch | None]

_MATERIALS = [
    ("linen", "亚麻"),
    ("stoneware", "粗陶"),
    ("walnut", "胡桃木"),
    ("brass", "黄铜"),
    ("cotton", "棉质"),
    ("wool", "羊毛"),
    ("enamel", "搪瓷"),
    ("glass", "玻璃"),
    ("bamboo", "竹制"),
    ("copper", "铜制"),
]
_THINGS = [
    ("water bottle", "水瓶", "keeps drinks cold for a whole day"),
    ("table lamp", "台灯", "gives a warm, even light for reading"),
    ("kettle", "水壶", "boils a full pot in under five minutes"),
    ("rain jacket", "雨衣", "is water-resistant and packs into its own pocket"),
    ("coffee grinder", "磨豆机", "grinds beans evenly for espresso or pour-over"),
    ("picnic blanket", "野餐垫", "folds small and wipes clean"),
    ("throw pillow", "抱枕", "adds colour to a sofa or a reading chair"),
    ("skillet", "平底锅", "holds heat for searing and bakes in the oven"),
    ("storage basket", "收纳篮", "keeps blankets and toys out of sight"),
    ("tea set", "茶具", "serves four and is safe in the dishwasher"),
]
_COLOURS = [("sage", "鼠尾草绿"), ("navy", "藏青"), ("ivory", "象牙白"), ("charcoal", "炭灰"), ("blue", "蓝色")]
_SIZES = ["S", "M", "L", "1 L", "500 ml"]
_LINES = "harbor cove tide dune reef shore pier bay isle cape".split()
_MISSES = ["electric scooter", "gaming laptop", "car tyres", "wedding dress", "电动滑板车", "游戏笔记本"]


def generate_catalogue(n: int, seed: int = 11) -> list[Product]:
    """n products with English and Chinese names and descriptions and 1 to 6 variants (deterministic)."""
    rng = random.Random(seed)
    products = []
    for i in range(n):
        material, material_zh = rng.choice(_MATERIALS)
        thing, thing_zh, claim = rng.choice(_THINGS)
        line = f"{rng.choice(_LINES).title()} {i % 997}"
        colours = rng.sample(_COLOURS, rng.randint(1, 3))
        sizes = rng.sample(_SIZES, rng.randint(1, 2))
        base = round(rng.uniform(8, 180), 2)
        variants = tuple(
            Variant(
                item_id=f"{i:06d}{j:02d}",
                options={"color": colour, "size": size},
                available=rng.random() > 0.3,
                price=round(base * rng.uniform(0.9, 1.2), 2),
                stock=rng.randint(0, 40),
            )
            for j, ((colour, _zh), size) in enumerate((c, s) for c in colours for s in sizes)
        )
        products.append(
            Product(
                product_id=f"p{i:06d}",
                name=f"{line} {material} {thing}",
                name_zh=f"{line} {material_zh}{thing_zh}",
                variants=variants,
                description=f"A {material} {thing} that {claim}.",
                description_zh=f"这款{material_zh}{thing_zh}品质可靠。",
                category=thing,
            )
        )
    return products


def shopper_queries(products: Sequence[Product], n: int, seed: int = 5) -> list[tuple[str, dict[str, str]]]:
    """(wording, options named) pairs: loose names in both languages with options, and misses (about 1 in 10)."""
    rng = random.Random(seed)
    queries: list[tuple[str, dict[str, str]]] = []
    while len(queries) < n:
        if rng.random() < 0.1:
            queries.append((rng.choice(_MISSES), {}))
            continue
        product = rng.choice(products)
        variant = rng.choice(product.variants)
        colour, size = variant.options["color"], variant.options["size"]
        words = product.name.split()
        style = rng.randrange(4)
        if style == 0:
            text = f"the {colour} {' '.join(words[2:])}, {size}"  # the line name dropped
        elif style == 1:
            text = f"{product.name.lower()} in {colour}"
        elif style == 2:
            text = product.name_zh
        else:
            text = " ".join(reversed(words[2:])) + f" {words[0].lower()}"
        queries.append((text, {"color": colour, "size": size} if style != 2 else {}))
    return queries


def lookup(ctx: ToolContext, text: str, options: dict[str, str]) -> JSON:
    """One product question's catalogue work: the search, then the variant of the best match."""
    found = search_products(ctx, text)
    matches = found.get("products") if isinstance(found, dict) else None
    if not isinstance(matches, list) or not matches or not isinstance(matches[0], dict):
        return found
    return get_variant_details(ctx, str(matches[0]["product_id"]), options)


def measure(products: int, queries: int, builder: IndexBuilder | None) -> dict[str, float]:
    """Build time and lookup latency (ms) at one catalogue size."""
    shop = FakeShop(users=(), orders=(), products=generate_catalogue(products))
    started = time.perf_counter()
    index = builder(shop) if builder is not None else None
    products_of = getattr(index, "products", None)
    if callable(products_of):
        products_of()  # an index that builds on first use builds now, inside the build time
    build_s = time.perf_counter() - started
    ctx = ToolContext(shop, shop, FakeRetriever(), None, {}, catalogue=index)
    asked = shopper_queries(list(shop.products.values()), queries)
    lookup(ctx, *asked[0])  # warm caches (the first call pays imports)
    times = []
    for text, options in asked:
        t0 = time.perf_counter()
        lookup(ctx, text, options)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {
        "build_s": round(build_s, 3),
        "p50_ms": round(statistics.median(times), 3),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 3),
        "max_ms": round(times[-1], 3),
    }


def run_bench(sizes: Sequence[int], queries: int, builder: IndexBuilder | None) -> dict[str, float]:
    metrics: dict[str, float] = {}
    for size in sizes:
        for key, value in measure(size, queries, builder).items():
            metrics[f"n{size}_{key}"] = value
    return metrics


def load_builder(spec: str | None) -> IndexBuilder | None:
    """ "module:function" -> the index builder; None for the tools' backend scan."""
    if not spec:
        return None
    module, _, name = spec.partition(":")
    builder: IndexBuilder = getattr(importlib.import_module(module), name)
    return builder


@suite("bench-catalogue")
def bench_suite(options: SuiteOptions) -> SuiteResult:
    from bot.agent.catalogue.index import CatalogueIndex

    sizes = (SMOKE_PRODUCTS,) if options.smoke else (SMALL_PRODUCTS, FULL_PRODUCTS)
    queries = SMOKE_QUERIES if options.smoke else QUERIES
    # The service's index at every size; the backend scan (the tools' fallback) side by side at the smallest,
    # where it is still quick to measure.
    metrics = {f"index_{k}": v for k, v in run_bench(sizes, queries, CatalogueIndex).items()}
    metrics.update({f"scan_{k}": v for k, v in run_bench(sizes[:1], queries, None).items()})
    small = sizes[0]
    metrics[f"n{small}_scan_over_index_p95"] = round(
        metrics[f"scan_n{small}_p95_ms"] / max(metrics[f"index_n{small}_p95_ms"], 1e-3), 1
    )
    notes = [
        f"A lookup: search_products + get_variant_details over {queries} generated shopper queries "
        f"(both languages, about 1 in 10 for things the shop does not sell); catalogue sizes {list(sizes)}.",
        "Index: the service's CatalogueIndex (bot/agent/catalogue/index.py), built on the first lookup; the scan "
        f"of the backend measured beside it at {small:,} products. "
        "`python -m eval.bench_catalogue --index module:function` measures another index builder.",
        f"Target: a lookup p95 <= {TARGET_P95_MS:g} ms at {FULL_PRODUCTS:,} products.",
    ]
    return SuiteResult(name="bench-catalogue", metrics=metrics, notes=notes)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Catalogue lookup latency on a generated catalogue.")
    parser.add_argument("--products", type=int, nargs="+", default=[SMALL_PRODUCTS, FULL_PRODUCTS])
    parser.add_argument("--queries", type=int, default=QUERIES)
    parser.add_argument("--index", default=None, help="module:function building the index from an InventoryBackend")
    parser.add_argument("--out", type=Path, default=None, help="also write the figures here (JSON)")
    args = parser.parse_args(argv)
    metrics = run_bench(args.products, args.queries, load_builder(args.index))
    text = json.dumps(metrics, indent=2)
    print(text)
    if args.out is not None:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
