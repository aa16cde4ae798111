"""Product catalogues in CSV, JSON or JSON Lines as product Documents, through a configurable field mapping."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Mapping

from bot.errors import BadInput
from bot.text import document_language
from bot.types import Document, Language, Product, Variant

CATALOGUE_SUFFIXES = frozenset({".csv", ".json", ".jsonl"})


@dataclass(frozen=True)
class FieldMapping:
    """Which column (CSV) or key (JSON; dots reach into objects, e.g. "price.amount") holds what."""

    id: str = "id"
    title: str = "title"
    description: str = "description"
    price: str = "price"
    variants: str = "variants"
    url: str = "url"
    updated_at: str = "updated_at"
    language: str = "language"

    @classmethod
    def parse(cls, spec: str | Mapping[str, str] | None) -> FieldMapping:
        """From "id=sku,title=name" (or a dict); unknown target fields are a clear error."""
        if not spec:
            return cls()
        pairs = (
            spec.items()
            if isinstance(spec, Mapping)
            else (item.split("=", 1) for item in spec.split(",") if item.strip())
        )
        known = {f.name for f in fields(cls)}
        changes: dict[str, str] = {}
        for pair in pairs:
            if len(pair) != 2 or not pair[0].strip() or not pair[1].strip():
                raise BadInput(f"field mapping {spec!r}: write it as field=column,field=column")
            target, column = pair[0].strip(), pair[1].strip()
            if target not in known:
                raise BadInput(f"field mapping: unknown field {target!r} (known: {', '.join(sorted(known))})")
            changes[target] = column
        return replace(cls(), **changes)


def _get(record: Mapping[str, Any], key: str) -> Any:
    value: Any = record
    for part in key.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _variants(value: Any) -> str:
    """Variants as one readable line: a list of names or of {"name"/"title"/"options"} objects, or text."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        value = list(value.values())
    names = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, Mapping):
            label = item.get("name") or item.get("title") or item.get("options") or item.get("sku") or ""
            names.append(", ".join(f"{k} {v}" for k, v in label.items()) if isinstance(label, Mapping) else str(label))
        else:
            names.append(str(item))
    return "; ".join(n for n in names if n)


def record_document(record: Mapping[str, Any], mapping: FieldMapping, *, prefix: str, row: int) -> Document:
    """One catalogue record as a product Document; raises BadInput without an id or a title."""
    product_id = _get(record, mapping.id)
    title = _get(record, mapping.title)
    if product_id in (None, "") or not title:
        raise BadInput(f"record {row} has no {mapping.id!r} or no {mapping.title!r}")
    lines = [f"# {title}", ""]
    description = _get(record, mapping.description)
    if description:
        lines.append(str(description))
    price = _get(record, mapping.price)
    if price not in (None, ""):
        lines.append(f"Price: {price}")
    variants = _variants(_get(record, mapping.variants))
    if variants:
        lines.append(f"Variants: {variants}")
    url = str(_get(record, mapping.url) or "")
    language_value = str(_get(record, mapping.language) or "").lower()[:2]
    text = "\n".join(lines)

    language: Language = "zh" if language_value == "zh" else "en" if language_value == "en" else document_language(text)
    return Document(
        source=f"{prefix}#{product_id}",
        title=str(title),
        text=text,
        kind="product",
        language=language,
        url=url,
        updated_at=str(_get(record, mapping.updated_at) or ""),
    )


def parse_price(value: Any) -> float | None:
    """A price from 24, "24.50", "$1,299.00" or "24.50 USD"; None when there is no number."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value) if value >= 0 else None
    match = _PRICE.search(str(value).replace(",", ""))
    return float(match.group()) if match else None


_PRICE = re.compile(r"\d+(?:\.\d+)?")


def _available(item: Mapping[str, Any]) -> tuple[bool, int | None]:
    """Availability of a variant object: its "stock"/"inventory" count, else "available", else yes."""
    for key in ("stock", "inventory", "quantity"):
        count = item.get(key)
        if isinstance(count, (int, float)) and not isinstance(count, bool):
            return count > 0, int(count)
    flag = item.get("available", item.get("in_stock"))
    return (bool(flag) if isinstance(flag, bool) else True), None


def _variant_values(value: Any, product_id: str, price: float) -> tuple[Variant, ...]:
    """Variants as data: objects keep their sku, options, price and stock; plain names become one option."""
    if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
        try:  # a CSV cell holding the variants as JSON
            value = json.loads(value)
        except ValueError:
            pass
    if isinstance(value, str):
        value = [part.strip() for part in re.split(r"[;|]", value) if part.strip()]
    if isinstance(value, Mapping):
        value = list(value.values())
    items = value if isinstance(value, list) else []
    variants: list[Variant] = []
    for n, item in enumerate(items, start=1):
        item_id = f"{product_id}-{n}"
        if isinstance(item, Mapping):
            item_id = str(item.get("sku") or item.get("id") or item_id)
            options = item.get("options")
            label = item.get("name") or item.get("title")
            if isinstance(options, Mapping):
                chosen = {str(k): str(v) for k, v in options.items()}
            else:
                chosen = {"option": str(options or label or item_id)}
            available, stock = _available(item)
            own = parse_price(item.get("price"))
            variants.append(Variant(item_id, chosen, available, own if own is not None else price, stock))
        elif str(item).strip():
            variants.append(Variant(item_id, {"option": str(item).strip()}, True, price))
    return tuple(variants) or (Variant(product_id, {}, True, price),)


def record_product(record: Mapping[str, Any], mapping: FieldMapping, *, row: int) -> Product:
    """One catalogue record as a Product (the same id and title rules as `record_document`).

    A record without a price gets 0.0 (Variant needs a number); stock is known only where a
    variant object gives it, otherwise every variant counts as available."""
    document = record_document(record, mapping, prefix="", row=row)
    product_id = str(_get(record, mapping.id))
    description = str(_get(record, mapping.description) or "")
    price = parse_price(_get(record, mapping.price))
    variants = _variant_values(_get(record, mapping.variants), product_id, price if price is not None else 0.0)
    name = document.title
    chinese = document.language == "zh"
    return Product(
        product_id=product_id,
        name=name,
        variants=variants,
        name_zh=name if chinese else "",
        description="" if chinese else description,
        description_zh=description if chinese else "",
    )


def load_products(path: Path, mapping: FieldMapping | None = None) -> list[Product]:
    """The records of one catalogue file that make a product (bad ones are reported by `load_catalogue`)."""
    chosen = mapping or FieldMapping()
    products: list[Product] = []
    for row, record in enumerate(read_records(path), start=1):
        try:
            products.append(record_product(record, chosen, row=row))
        except BadInput:
            continue
    return products


def read_records(path: Path) -> list[Mapping[str, Any]]:
    """Records of a CSV (header row), JSONL, or JSON file (a list, or an object with a "products" list)."""
    text = path.read_text(encoding="utf-8-sig")
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return list(csv.DictReader(io.StringIO(text)))
        if suffix == ".jsonl":
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        data = json.loads(text)
    except (json.JSONDecodeError, csv.Error) as exc:
        raise BadInput(f"not valid {suffix[1:].upper()}: {exc}") from exc
    if isinstance(data, Mapping):
        data = next((data[k] for k in ("products", "items", "data") if isinstance(data.get(k), list)), None)
    if not isinstance(data, list) or not all(isinstance(r, Mapping) for r in data):
        raise BadInput("expected a list of product objects (or an object with a 'products' list)")
    return data


def load_catalogue(
    path: Path, *, source: str, mapping: FieldMapping | None = None
) -> tuple[list[Document], list[tuple[str, str]]]:
    """(documents, failed records) of one catalogue file; a bad record is reported, the rest loads."""
    chosen = mapping or FieldMapping()
    documents: list[Document] = []
    failed: list[tuple[str, str]] = []
    for row, record in enumerate(read_records(path), start=1):
        try:
            documents.append(record_document(record, chosen, prefix=source, row=row))
        except BadInput as exc:
            failed.append((f"{source}#{row}", exc.message))
    if not documents and not failed:
        raise BadInput("the catalogue has no records")
    return documents, failed
