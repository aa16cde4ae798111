"""The catalogue as knowledge-base documents: one English and one Chinese document per product."""

from __future__ import annotations

from bot.ports import InventoryBackend
from bot.types import Document, Product, Variant
from connectors.commerce.option_names import option_zh


def _stock_state(v: Variant, out: str, left: str, in_stock: str) -> str:
    """The variant's stock in one language's words; `left` holds {} for the count."""
    if not v.available:
        return out
    return left.format(v.stock) if v.stock is not None else in_stock


def _variant_en(v: Variant) -> str:
    options = ", ".join(f"{k}: {val}" for k, val in v.options.items())
    state = _stock_state(v, "out of stock", "in stock ({} left)", "in stock")
    return f"- {options} (item {v.item_id}): ${v.price:.2f}, {state}"


def _variant_zh(v: Variant) -> str:
    options = "，".join(f"{option_zh(k)}：{option_zh(val)}" for k, val in v.options.items())
    state = _stock_state(v, "缺货", "有货（剩余{}件）", "有货")
    return f"- {options}（商品编号 {v.item_id}）：${v.price:.2f}，{state}"


def product_documents(product: Product) -> tuple[Document, Document]:
    """The English and the Chinese document of one product."""
    source = f"product:{product.product_id}"
    en_lines = [product.name]
    if product.description:
        en_lines.append(product.description)
    if product.category:
        en_lines.append(f"Category: {product.category}")
    en_lines.append(f"Product id: {product.product_id}. Options:")
    en_lines += [_variant_en(v) for v in product.variants]
    title_zh = product.name_zh or product.name
    zh_lines = [title_zh if title_zh == product.name else f"{title_zh}（{product.name}）"]
    if product.description_zh:
        zh_lines.append(product.description_zh)
    zh_lines.append(f"商品编号：{product.product_id}。可选规格：")
    zh_lines += [_variant_zh(v) for v in product.variants]
    return (
        Document(source=source, title=product.name, text="\n".join(en_lines), kind="product", language="en"),
        Document(source=source, title=title_zh, text="\n".join(zh_lines), kind="product", language="zh"),
    )


def catalogue_documents(inventory: InventoryBackend) -> list[Document]:
    """Every product as two documents (en, zh) for the knowledge base to ingest."""
    return [doc for product in inventory.list_products() for doc in product_documents(product)]
