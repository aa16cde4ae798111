"""The reference shop backend: open (and on first use fill) the SQLite shop, plus demo helpers."""

from __future__ import annotations

from bot.errors import BackendError, NotFound
from bot.settings import Settings
from connectors.commerce.catalogue import catalogue_documents
from connectors.commerce.demo_data import generate_demo_data
from connectors.commerce.records import ShopData
from connectors.commerce.sqlite_shop import Progress, SqliteShop
from connectors.commerce.tau2 import load_tau2_json

__all__ = [
    "ShopData",
    "SqliteShop",
    "catalogue_documents",
    "generate_demo_data",
    "load_tau2_json",
    "open_shop",
    "sample_order",
]


def open_shop(settings: Settings, progress: Progress | None = None) -> SqliteShop:
    """The shop at settings.shop_db_path; an empty one is filled from settings.shop_data or the demo data."""
    path = settings.shop_db_path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackendError(f"cannot create the data directory {path.parent}: {exc}") from exc
    shop = SqliteShop(path)
    if shop.is_empty():
        # Later starts reuse the file: regenerating would undo writes the tools have made.
        data = load_tau2_json(settings.shop_data) if settings.shop_data else generate_demo_data()
        shop.load(data, progress)
    return shop


def sample_order(shop: SqliteShop, status: str = "delivered") -> tuple[str, str]:
    """The first order in `status` and its owner's email: a real order to ask the bot about."""
    for order in shop.orders_with_status(status, limit=20):
        user = shop.get_user(order.user_id)
        if user is not None:
            return order.order_id, user.email
    raise NotFound(f"the shop has no order in status {status!r}")
