"""The reference shop backend: customers, orders and the catalogue in one SQLite file."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from bot.errors import BackendError
from bot.text import order_key
from bot.types import JSON, Address, Order, Product, ShopUser
from connectors.commerce import retail_actions as actions
from connectors.commerce.records import (
    JSONObject,
    ShopData,
    order_from_record,
    product_from_record,
    user_from_record,
)

Progress = Callable[[int, int], None]

# Each table keeps the full JSON record (lossless, original key order) next to indexed columns
# for lookups; `seq` keeps db.json map order, which tau2's first-match lookups depend on.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    seq INTEGER PRIMARY KEY, user_id TEXT NOT NULL UNIQUE, email_key TEXT NOT NULL,
    first_key TEXT NOT NULL, last_key TEXT NOT NULL, zip_key TEXT NOT NULL, record TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS users_email ON users(email_key);
CREATE INDEX IF NOT EXISTS users_name_zip ON users(last_key, first_key, zip_key);
CREATE TABLE IF NOT EXISTS orders (
    seq INTEGER PRIMARY KEY, order_id TEXT NOT NULL UNIQUE, order_key TEXT NOT NULL,
    user_id TEXT NOT NULL, status TEXT NOT NULL, record TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS orders_key ON orders(order_key);
CREATE INDEX IF NOT EXISTS orders_user ON orders(user_id);
CREATE TABLE IF NOT EXISTS products (
    seq INTEGER PRIMARY KEY, product_id TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
    category TEXT NOT NULL, record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS variants (
    item_id TEXT NOT NULL, product_seq INTEGER NOT NULL, available INTEGER NOT NULL, stock INTEGER);
CREATE INDEX IF NOT EXISTS variants_item ON variants(item_id);
"""

_PROGRESS_EVERY = 200


def _key(text: str) -> str:
    return text.strip().casefold()


def _dumps(record: JSONObject) -> str:
    # ensure_ascii=False keeps Chinese names readable in the file; floats use repr, which round-trips.
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def _loads(text: str) -> JSONObject:
    value: JSON = json.loads(text)
    assert isinstance(value, dict)
    return value


class SqliteShop:
    """OrderBackend + InventoryBackend + OrderActions over a SQLite file; safe to share across threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        # Held from an action's first read to its commit, so two writes never interleave.
        self._write_lock = threading.Lock()
        try:
            self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise BackendError(f"cannot open the shop database {self.path}: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # ------------------------------------------------------------------ loading

    def load(self, data: ShopData, progress: Progress | None = None) -> None:
        """Replace all content with `data` in one transaction (all or nothing)."""
        total = len(data.users) + len(data.orders) + len(data.products)
        done = 0

        def tick() -> None:
            nonlocal done
            done += 1
            if progress is not None and (done % _PROGRESS_EVERY == 0 or done == total):
                progress(done, total)

        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                for table in ("users", "orders", "products", "variants"):
                    db.execute(f"DELETE FROM {table}")
                for seq, (pid, rec) in enumerate(data.products.items()):
                    p = product_from_record(rec)
                    db.execute("INSERT INTO products VALUES (?,?,?,?,?)", (seq, pid, p.name, p.category, _dumps(rec)))
                    db.executemany(
                        "INSERT INTO variants VALUES (?,?,?,?)",
                        [(v.item_id, seq, int(v.available), v.stock) for v in p.variants],
                    )
                    tick()
                for seq, (uid, rec) in enumerate(data.users.items()):
                    u = user_from_record(rec)
                    row = (seq, uid, _key(u.email), _key(u.first_name), _key(u.last_name), _key(u.address.zip))
                    db.execute("INSERT INTO users VALUES (?,?,?,?,?,?,?)", (*row, _dumps(rec)))
                    tick()
                for seq, (oid, rec) in enumerate(data.orders.items()):
                    o = order_from_record(rec)
                    db.execute(
                        "INSERT INTO orders VALUES (?,?,?,?,?,?)",
                        (seq, oid, order_key(oid), o.user_id, o.status, _dumps(rec)),
                    )
                    tick()
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def is_empty(self) -> bool:
        return all(n == 0 for n in self.counts().values())

    def counts(self) -> dict[str, int]:
        with self._lock:
            return {
                table: int(self._db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
                for table in ("users", "orders", "products", "variants")
            }

    def export(self) -> dict[str, JSON]:
        """The whole shop in tau2 db.json shape, maps in their original order."""
        out: dict[str, JSON] = {}
        for table, id_col in (("products", "product_id"), ("users", "user_id"), ("orders", "order_id")):
            out[table] = {key: rec for key, rec in self._records(table, id_col)}
        return out

    def _records(self, table: str, id_col: str) -> Iterator[tuple[str, JSONObject]]:
        with self._lock:
            rows = self._db.execute(f"SELECT {id_col}, record FROM {table} ORDER BY seq").fetchall()
        for key, text in rows:
            yield key, _loads(text)

    def _one(self, sql: str, args: tuple[str, ...]) -> str | None:
        with self._lock:
            row = self._db.execute(sql, args).fetchone()
        return None if row is None else str(row[0])

    # ------------------------------------------------------------------ raw records (REST, tools)

    def user_record(self, user_id: str) -> JSONObject | None:
        text = self._one("SELECT record FROM users WHERE user_id = ?", (user_id.strip(),))
        return None if text is None else _loads(text)

    def order_record(self, order_id: str) -> JSONObject | None:
        text = self._one(
            "SELECT record FROM orders WHERE order_key = ? ORDER BY seq LIMIT 1", (order_key(order_id),)
        )
        return None if text is None else _loads(text)

    def product_record(self, product_id: str) -> JSONObject | None:
        text = self._one("SELECT record FROM products WHERE product_id = ?", (product_id.strip(),))
        return None if text is None else _loads(text)

    # ------------------------------------------------------------------ OrderBackend

    def get_user(self, user_id: str) -> ShopUser | None:
        rec = self.user_record(user_id)
        return None if rec is None else user_from_record(rec)

    def find_user_by_email(self, email: str) -> str | None:
        return self._one("SELECT user_id FROM users WHERE email_key = ? ORDER BY seq LIMIT 1", (_key(email),))

    def find_user_by_name_zip(self, first_name: str, last_name: str, zip_code: str) -> str | None:
        return self._one(
            "SELECT user_id FROM users WHERE last_key = ? AND first_key = ? AND zip_key = ? ORDER BY seq LIMIT 1",
            (_key(last_name), _key(first_name), _key(zip_code)),
        )

    def get_order(self, order_id: str) -> Order | None:
        rec = self.order_record(order_id)
        return None if rec is None else order_from_record(rec)

    def list_orders(self, user_id: str) -> list[Order]:
        with self._lock:
            rows = self._db.execute(
                "SELECT record FROM orders WHERE user_id = ? ORDER BY seq", (user_id.strip(),)
            ).fetchall()
        return [order_from_record(_loads(text)) for (text,) in rows]

    def orders_with_status(self, status: str, limit: int = 1) -> list[Order]:
        """The first orders (in data order) in one status; for demos, docs and tests."""
        with self._lock:
            rows = self._db.execute(
                "SELECT record FROM orders WHERE status = ? ORDER BY seq LIMIT ?", (status, limit)
            ).fetchall()
        return [order_from_record(_loads(text)) for (text,) in rows]

    # ------------------------------------------------------------------ InventoryBackend

    def get_product(self, product_id: str) -> Product | None:
        rec = self.product_record(product_id)
        return None if rec is None else product_from_record(rec)

    def list_products(self) -> list[Product]:
        return [product_from_record(rec) for _, rec in self._records("products", "product_id")]

    def find_variant(self, item_id: str) -> tuple[Product, str] | None:
        text = self._one(
            "SELECT p.record FROM variants v JOIN products p ON p.seq = v.product_seq "
            "WHERE v.item_id = ? ORDER BY v.product_seq LIMIT 1",
            (item_id.strip(),),
        )
        return None if text is None else (product_from_record(_loads(text)), item_id.strip())

    # ------------------------------------------------------------------ OrderActions

    def _apply(self, run: Callable[[], actions.Changes], preview: bool) -> JSONObject:
        with self._write_lock:
            changes = run()
            if not preview:
                self._commit(changes)
        return changes.result

    def _commit(self, changes: actions.Changes) -> None:
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                for order_id, rec in changes.orders.items():
                    db.execute(
                        "UPDATE orders SET record = ?, status = ? WHERE order_id = ?",
                        (_dumps(rec), str(rec["status"]), order_id),
                    )
                for user_id, rec in changes.users.items():
                    zip_code = user_from_record(rec).address.zip
                    db.execute(
                        "UPDATE users SET record = ?, zip_key = ? WHERE user_id = ?",
                        (_dumps(rec), _key(zip_code), user_id),
                    )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def _order_action(self, run: Callable[[], actions.Changes], preview: bool) -> Order:
        return order_from_record(self._apply(run, preview))

    def cancel_pending_order(self, order_id: str, reason: str, *, preview: bool = False) -> Order:
        return self._order_action(lambda: actions.cancel_pending_order(self, order_id, reason), preview)

    def modify_pending_order_address(self, order_id: str, address: Address, *, preview: bool = False) -> Order:
        return self._order_action(lambda: actions.modify_pending_order_address(self, order_id, address), preview)

    def modify_pending_order_payment(self, order_id: str, payment_method_id: str, *, preview: bool = False) -> Order:
        return self._order_action(
            lambda: actions.modify_pending_order_payment(self, order_id, payment_method_id), preview
        )

    def modify_pending_order_items(
        self,
        order_id: str,
        item_ids: Sequence[str],
        new_item_ids: Sequence[str],
        payment_method_id: str,
        *,
        preview: bool = False,
    ) -> Order:
        return self._order_action(
            lambda: actions.modify_pending_order_items(self, order_id, item_ids, new_item_ids, payment_method_id),
            preview,
        )

    def modify_user_address(self, user_id: str, address: Address, *, preview: bool = False) -> ShopUser:
        return user_from_record(self._apply(lambda: actions.modify_user_address(self, user_id, address), preview))

    def return_delivered_order_items(
        self, order_id: str, item_ids: Sequence[str], payment_method_id: str, *, preview: bool = False
    ) -> Order:
        return self._order_action(
            lambda: actions.return_delivered_order_items(self, order_id, item_ids, payment_method_id), preview
        )

    def exchange_delivered_order_items(
        self,
        order_id: str,
        item_ids: Sequence[str],
        new_item_ids: Sequence[str],
        payment_method_id: str,
        *,
        preview: bool = False,
    ) -> Order:
        return self._order_action(
            lambda: actions.exchange_delivered_order_items(self, order_id, item_ids, new_item_ids, payment_method_id),
            preview,
        )
