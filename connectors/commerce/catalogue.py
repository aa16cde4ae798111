"""The catalogue as knowledge-base documents: one English and one Chinese document per product."""

from __future__ import annotations

from bot.ports import InventoryBackend
from bot.types import Document, Product, Variant
from connectors.commerce.option_names import option_zh


def _variant_en(v: Variant) -> str:
    options = ", ".join(f"{k}: {val}" for k, val in v.options.items())
    if not v.available:
        state = "out of stock"
    elif v.stock is not None:
        state = f"in stock ({v.stock} left)"
    else:
        state = "in stock"
    return f"- {options} (item {v.item_id}): ${v.price:.2f}, {state}"


def _variant_zh(v: Variant) -> str:
    options = "，".join(f"{option_zh(k)}：{option_zh(val)}" for k, val in v.options.items())
    if not v.available:
        state = "缺货"
    elif v.stock is not None:
        state = f"有货（剩余{v.stock}件）"
    else:
        state = "有货"
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
