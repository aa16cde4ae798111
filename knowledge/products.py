"""Products from ingested catalogue files, kept as data beside the passages and read as an InventoryBackend.

The passages of a catalogue (one product Document per record) answer free-text questions; the
catalogue answering needs the records themselves: price, variants, stock. They are stored in
their own Chroma collection (one record per product, its Product as JSON in the metadata and a
one-number placeholder vector: Chroma needs one), so every replica on a shared Chroma server
reads the same products. Which file a product came from (`root`, `file`) lets a re-ingestion
replace a file's products, or a folder's, exactly as the passages are replaced.
"""

from __future__ import annotations

import json
import threading
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

import numpy as np

from bot.errors import BackendError
from bot.types import Product, Variant

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

CATALOGUE_COLLECTION = "shopkeeper-catalogue"
#: Chroma stores a vector with every record; products are read by metadata only.
_PLACEHOLDER = np.ones((1, 1), dtype=np.float32)


def product_json(product: Product) -> str:
    """A Product as compact JSON (its dataclass fields)."""
    return json.dumps(asdict(product), ensure_ascii=False, separators=(",", ":"))


def product_from_json(text: str) -> Product:
    """The inverse of `product_json`."""
    data: dict[str, Any] = json.loads(text)
    variants = tuple(
        Variant(
            item_id=str(v["item_id"]),
            options={str(k): str(o) for k, o in dict(v.get("options") or {}).items()},
            available=bool(v.get("available", True)),
            price=float(v.get("price") or 0.0),
            stock=None if v.get("stock") is None else int(v["stock"]),
        )
        for v in data.get("variants") or []
    )
    return Product(
        product_id=str(data["product_id"]),
        name=str(data.get("name") or data["product_id"]),
        variants=variants,
        name_zh=str(data.get("name_zh") or ""),
        description=str(data.get("description") or ""),
        description_zh=str(data.get("description_zh") or ""),
        category=str(data.get("category") or ""),
    )


class ProductTable:
    """The catalogue products in Chroma, keyed by (folder, file, product id)."""

    def __init__(self, client: ClientAPI) -> None:
        self.collection: Collection = client.get_or_create_collection(CATALOGUE_COLLECTION, embedding_function=None)
        self._batch = max(1, min(client.get_max_batch_size(), 1000))

    @staticmethod
    def _id(root: str, file: str, product_id: str) -> str:
        return f"{root}\n{file}\n{product_id}"

    def replace(self, root: str, files: Mapping[str, Sequence[Product]], *, whole_root: bool) -> bool:
        """Store these files' products; drop the other products of these files (or, whole_root, of the
        whole folder: files gone from it). True when anything changed."""
        where: dict[str, Any] = {"root": root}
        if not whole_root:
            where = {"$and": [where, {"file": {"$in": sorted(files) or [""]}}]}
        try:
            old = {i: str(m.get("product", "")) for i, m in self._records(where)}
            new: dict[str, tuple[str, str]] = {}
            for file, products in files.items():
                for product in products:
                    new[self._id(root, file, product.product_id)] = (file, product_json(product))
            gone = [i for i in old if i not in new]
            changed = [i for i, (_, text) in new.items() if old.get(i) != text]
            for start in range(0, len(gone), self._batch):
                self.collection.delete(ids=gone[start : start + self._batch])
            for start in range(0, len(changed), self._batch):
                part = changed[start : start + self._batch]
                self.collection.upsert(
                    ids=part,
                    embeddings=np.repeat(_PLACEHOLDER, len(part), axis=0),
                    metadatas=[{"root": root, "file": new[i][0], "product": new[i][1]} for i in part],
                )
        except Exception as exc:
            raise BackendError(f"storing catalogue products failed: {exc}") from exc
        return bool(gone or changed)

    def _records(self, where: Mapping[str, Any] | None) -> list[tuple[str, Mapping[str, Any]]]:
        """(id, metadata) of every stored record passing `where`, in pages (Chroma bounds a request)."""
        records: list[tuple[str, Mapping[str, Any]]] = []
        offset = 0
        while True:
            page = self.collection.get(
                where=dict(where) if where else None, include=["metadatas"], limit=self._batch, offset=offset
            )
            records += [(i, dict(m or {})) for i, m in zip(page["ids"], page["metadatas"] or [])]
            if len(page["ids"]) < self._batch:
                return records
            offset += len(page["ids"])

    def all(self) -> list[Product]:
        """Every stored product; where two files hold the same id, the later-stored one wins."""
        try:
            records = self._records(None)
        except Exception as exc:
            raise BackendError(f"reading catalogue products failed: {exc}") from exc
        products: dict[str, Product] = {}
        for _, meta in records:
            text = meta.get("product")
            if isinstance(text, str) and text:
                product = product_from_json(text)
                products[product.product_id] = product
        return sorted(products.values(), key=lambda p: p.product_id)


class CatalogueView:
    """The ingested catalogue as an InventoryBackend; it follows the knowledge version like the index.

    `sync` is the knowledge base's change check (cheap, at most every second); when it or this
    process's own ingestion marks the products stale, the next read loads them again."""

    def __init__(self, table: ProductTable, sync: Callable[[], object]) -> None:
        self._table = table
        self._sync = sync
        self._lock = threading.Lock()
        self._products: dict[str, Product] | None = None
        self._variants: dict[str, Product] = {}

    def invalidate(self) -> None:
        """The stored products changed: load them again on the next read."""
        with self._lock:
            self._products = None

    def _load(self) -> dict[str, Product]:
        self._sync()
        with self._lock:
            if self._products is None:
                try:
                    products = self._table.all()
                except BackendError:
                    return {}
                self._products = {p.product_id: p for p in products}
                self._variants = {v.item_id: p for p in products for v in p.variants}
            return self._products

    def get_product(self, product_id: str) -> Product | None:
        return self._load().get(product_id)

    def list_products(self) -> list[Product]:
        return list(self._load().values())

    def find_variant(self, item_id: str) -> tuple[Product, str] | None:
        self._load()
        with self._lock:
            product = self._variants.get(item_id)
        return (product, item_id) if product is not None else None
