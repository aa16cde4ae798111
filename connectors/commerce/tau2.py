"""Load and validate a tau2-bench retail db.json (or anything in its shape) as ShopData."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from bot.errors import ConfigError
from bot.types import JSON
from connectors.commerce.records import (
    JSONObject,
    RecordError,
    ShopData,
    order_from_record,
    product_from_record,
    user_from_record,
)

_TABLES: dict[str, tuple[str, Callable[[JSON, str], object]]] = {
    "products": ("product_id", product_from_record),
    "users": ("user_id", user_from_record),
    "orders": ("order_id", order_from_record),
}


def load_tau2_json(path: Path) -> ShopData:
    """Read and validate a tau2-retail-format JSON file; ConfigError names the file and the record."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"shop data file {path} does not exist (SHOPKEEPER_SHOP_DATA)")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"shop data file {path} is not readable JSON: {exc}") from exc
    return shop_data_from_json(raw, source=str(path))


def shop_data_from_json(raw: JSON, source: str = "shop data") -> ShopData:
    """Validate a parsed db.json; every record must convert to its domain value."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: expected an object with products, users and orders")
    tables: dict[str, dict[str, JSONObject]] = {}
    for table, (id_key, convert) in _TABLES.items():
        records = raw.get(table)
        if not isinstance(records, dict):
            raise ConfigError(f"{source}: missing or malformed '{table}' map")
        checked: dict[str, JSONObject] = {}
        for key, record in records.items():
            where = f"{table}[{key!r}]"
            try:
                convert(record, where)
            except RecordError as exc:
                raise ConfigError(f"{source}: malformed record {exc}") from exc
            assert isinstance(record, dict)  # convert() has checked it
            if record.get(id_key) != key:
                raise ConfigError(f"{source}: record {where} has {id_key}={record.get(id_key)!r}, not its key")
            checked[key] = record
        tables[table] = checked
    return ShopData(products=tables["products"], users=tables["users"], orders=tables["orders"])


def validate_shop_data(data: ShopData, source: str = "shop data") -> ShopData:
    """Same checks for data built in memory (the demo generator's output)."""
    return shop_data_from_json(data.to_json(), source)
