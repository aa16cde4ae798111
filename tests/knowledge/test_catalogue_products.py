"""An ingested catalogue file gives products as data (bot.types.Product), through the InventoryBackend seam."""

from __future__ import annotations

import json
from pathlib import Path

from bot.settings import Settings
from bot.types import Product, Variant
from knowledge import CombinedInventory, KnowledgeBase
from knowledge.catalogue import FieldMapping, parse_price, record_product
from knowledge.embeddings import HashingEmbedder


def _kb(tmp_path: Path) -> KnowledgeBase:
    return KnowledgeBase.open(Settings(data_dir=tmp_path / "data"), embedder=HashingEmbedder())


def test_prices_are_read_from_the_ways_shops_write_them() -> None:
    assert parse_price("$1,299.00") == 1299.0
    assert parse_price("24.50 USD") == 24.5
    assert parse_price(12) == 12.0
    assert parse_price("ask us") is None and parse_price(None) is None and parse_price(True) is None


def test_a_record_keeps_its_variants_prices_and_stock() -> None:
    record = {
        "sku": "TEA-1",
        "name": "Jasmine tea",
        "description": "Loose-leaf green tea with jasmine.",
        "price": {"amount": "12.00"},
        "variants": [
            {"sku": "TEA-1-50", "options": {"size": "50 g"}, "price": 12, "stock": 4},
            {"sku": "TEA-1-200", "options": {"size": "200 g"}, "price": "$38", "stock": 0},
        ],
    }
    product = record_product(record, FieldMapping.parse("id=sku,title=name,price=price.amount"), row=1)
    assert product.product_id == "TEA-1" and product.name == "Jasmine tea"
    assert product.description.startswith("Loose-leaf")
    assert product.variants == (
        Variant("TEA-1-50", {"size": "50 g"}, True, 12.0, 4),
        Variant("TEA-1-200", {"size": "200 g"}, False, 38.0, 0),
    )
    plain = record_product({"id": "7", "title": "Mug", "price": "9", "variants": "red; blue"}, FieldMapping(), row=2)
    assert [v.options for v in plain.variants] == [{"option": "red"}, {"option": "blue"}]
    assert all(v.price == 9.0 and v.available for v in plain.variants)
    cell = '[{"sku": "H-R", "options": {"color": "red"}, "price": 24, "stock": 3}]'  # variants as JSON in a CSV cell
    assert record_product({"id": "9", "title": "Hat", "variants": cell}, FieldMapping(), row=4).variants == (
        Variant("H-R", {"color": "red"}, True, 24.0, 3),
    )
    chinese = record_product({"id": "8", "title": "竹制砧板", "description": "天然竹子。"}, FieldMapping(), row=3)
    assert chinese.name_zh == "竹制砧板" and chinese.description_zh == "天然竹子。"
    assert chinese.variants == (Variant("8", {}, True, 0.0),)


def test_an_ingested_csv_is_an_inventory_and_follows_re_ingestion(tmp_path: Path) -> None:
    kb = _kb(tmp_path)
    catalogue = tmp_path / "catalogue.csv"
    catalogue.write_text(
        "id,title,description,price,variants\n"
        "K1,Enamel kettle,A 1.5 litre enamel kettle for any stove.,$49.00,cream; sage\n"
        "K2,Tea towel,Linen tea towel.,8,\n",
        encoding="utf-8",
    )
    assert kb.ingest_paths([catalogue], kind="product").added == 2
    kettle = kb.catalogue.get_product("K1")
    assert kettle is not None and kettle.name == "Enamel kettle"
    assert [(v.options["option"], v.price) for v in kettle.variants] == [("cream", 49.0), ("sage", 49.0)]
    assert kb.catalogue.find_variant("K1-2") == (kettle, "K1-2")
    assert {p.product_id for p in kb.catalogue.list_products()} == {"K1", "K2"}

    catalogue.write_text("id,title,price\nK1,Enamel kettle,45\n", encoding="utf-8")
    summary = kb.ingest_paths([catalogue], kind="product")
    assert summary.updated == 1 and summary.removed == 1
    assert [p.product_id for p in kb.catalogue.list_products()] == ["K1"]
    again = kb.catalogue.get_product("K1")
    assert again is not None and again.variants[0].price == 45.0
    # Another replica (another KnowledgeBase on the same store) reads the same products.
    other = _kb(tmp_path)
    assert [p.product_id for p in other.catalogue.list_products()] == ["K1"]


def test_a_folder_owns_its_catalogue_files(tmp_path: Path) -> None:
    kb = _kb(tmp_path)
    folder = tmp_path / "uploads"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps({"products": [{"id": "A1", "title": "Apron", "price": 20}]}))
    (folder / "b.jsonl").write_text(json.dumps({"id": "B1", "title": "Bread bin", "price": 30}) + "\n")
    (folder / "notes.md").write_text("# Notes\n\nNot a catalogue.\n")
    kb.ingest_paths([folder], kind="product")
    assert [p.product_id for p in kb.catalogue.list_products()] == ["A1", "B1"]
    (folder / "b.jsonl").unlink()
    kb.ingest_paths([folder], kind="product")
    assert [p.product_id for p in kb.catalogue.list_products()] == ["A1"]


class _Shop:
    def __init__(self, products: list[Product]) -> None:
        self.products = {p.product_id: p for p in products}

    def get_product(self, product_id: str) -> Product | None:
        return self.products.get(product_id)

    def list_products(self) -> list[Product]:
        return list(self.products.values())

    def find_variant(self, item_id: str) -> tuple[Product, str] | None:
        return next(((p, item_id) for p in self.products.values() for v in p.variants if v.item_id == item_id), None)


def test_the_shop_comes_first_in_a_combined_inventory(tmp_path: Path) -> None:
    kb = _kb(tmp_path)
    catalogue = tmp_path / "extra.csv"
    catalogue.write_text("id,title,price\nS1,Ingested twin,1\nX9,Ingested only,5\n", encoding="utf-8")
    kb.ingest_paths([catalogue], kind="product")
    shop = _Shop([Product("S1", "Shop's own", (Variant("S1-a", {"colour": "red"}, True, 10.0),))])
    combined = CombinedInventory([shop, kb.catalogue])
    assert [p.name for p in combined.list_products()] == ["Shop's own", "Ingested only"]
    own = combined.get_product("S1")
    assert own is not None and own.name == "Shop's own"
    found = combined.find_variant("X9")
    assert found is not None and found[0].name == "Ingested only"
    assert combined.get_product("nope") is None and combined.find_variant("nope") is None


def test_big_catalogues_are_written_and_read_in_pages(tmp_path: Path) -> None:
    kb = _kb(tmp_path)
    kb.products._batch = 2  # Chroma's request bound, made tiny
    catalogue = tmp_path / "many.jsonl"
    records = [{"id": f"P{n}", "title": f"Item {n}", "price": n} for n in range(7)]
    catalogue.write_text("".join(json.dumps(r) + "\n" for r in records))
    kb.ingest_paths([catalogue], kind="product")
    assert sorted(p.product_id for p in kb.catalogue.list_products()) == [f"P{n}" for n in range(7)]
    catalogue.write_text(json.dumps({"id": "P0", "title": "Item 0", "price": 0}) + "\n")
    kb.ingest_paths([catalogue], kind="product")
    assert [p.product_id for p in kb.catalogue.list_products()] == ["P0"]
