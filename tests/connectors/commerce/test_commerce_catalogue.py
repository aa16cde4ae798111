"""Catalogue documents for the knowledge base: two per product, complete and bilingual."""

from __future__ import annotations

from connectors.commerce import SqliteShop, catalogue_documents


def test_two_documents_per_product(demo_shop: SqliteShop) -> None:
    docs = catalogue_documents(demo_shop)
    products = demo_shop.list_products()
    assert len(docs) == 2 * len(products)
    assert {d.kind for d in docs} == {"product"}
    by_source = {(d.source, d.language): d for d in docs}
    product = products[0]
    en = by_source[(f"product:{product.product_id}", "en")]
    zh = by_source[(f"product:{product.product_id}", "zh")]
    assert en.title == product.name and product.description in en.text
    assert zh.title == product.name_zh and product.description_zh in zh.text
    for v in product.variants:
        assert f"${v.price:.2f}" in en.text and v.item_id in en.text and v.item_id in zh.text
        assert ("out of stock" in en.text) or v.available
    assert "颜色" in "".join(d.text for d in docs if d.language == "zh")
    assert any("in stock (" in d.text for d in docs) and any("缺货" in d.text for d in docs)
