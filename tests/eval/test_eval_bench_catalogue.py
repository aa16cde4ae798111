"""The catalogue bench on a tiny catalogue: the figures it reports, its generated data, an index builder plugged in."""

from __future__ import annotations

from collections.abc import Sequence

from bot.ports import InventoryBackend
from bot.types import Product
from eval.bench_catalogue import generate_catalogue, load_builder, measure, run_bench, shopper_queries


def test_the_catalogue_is_seeded_bilingual_and_has_variants() -> None:
    products = generate_catalogue(50)
    assert products == generate_catalogue(50)
    assert all(p.name and p.name_zh and p.description and p.variants for p in products)
    queries = shopper_queries(products, 40)
    assert len(queries) == 40 and any(options for _, options in queries)


def test_the_bench_reports_build_time_and_percentiles_per_size() -> None:
    metrics = run_bench((30, 60), 20, None)
    assert set(metrics) == {f"n{n}_{k}" for n in (30, 60) for k in ("build_s", "p50_ms", "p95_ms", "max_ms")}
    assert 0 < metrics["n30_p50_ms"] <= metrics["n30_p95_ms"] <= metrics["n30_max_ms"]


class _First:
    def __init__(self, inventory: InventoryBackend) -> None:
        self.products = inventory.list_products()
        self.asked = 0

    def search(self, query: str, limit: int) -> Sequence[Product]:
        self.asked += 1
        return self.products[:limit]


def test_an_index_builder_is_what_the_lookups_use() -> None:
    built: list[_First] = []

    def builder(inventory: InventoryBackend) -> _First:
        built.append(_First(inventory))
        return built[-1]

    measure(20, 10, builder)
    assert built and built[0].asked == 11  # the warm-up and the ten queries
    assert load_builder(None) is None
    assert load_builder("eval.bench_catalogue:generate_catalogue") is generate_catalogue
