"""RestShop: the commerce ports over the shop REST API (ours at /shop/v1, or a shop's own)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, TypeVar
from urllib.parse import quote

import httpx

from bot.errors import ActionRefused, BackendError
from bot.types import JSON, Address, Order, Product, ShopUser
from connectors.commerce.records import (
    RecordError,
    order_from_record,
    product_from_record,
    user_from_record,
)

T = TypeVar("T")


class HttpResponse(Protocol):
    """The part of an httpx response RestShop reads."""

    @property
    def status_code(self) -> int: ...

    @property
    def text(self) -> str: ...

    def json(self, **kwargs: Any) -> Any: ...


class HttpClient(Protocol):
    """What RestShop needs from a client: httpx.Client, or starlette's TestClient (httpx2-based)."""

    def get(
        self, url: str, *, params: Mapping[str, str] | None = ..., headers: Mapping[str, str] | None = ...
    ) -> HttpResponse: ...

    def post(
        self,
        url: str,
        *,
        json: Any = ...,
        params: Mapping[str, str] | None = ...,
        headers: Mapping[str, str] | None = ...,
    ) -> HttpResponse: ...

    def close(self) -> None: ...


class RestShop:
    """OrderBackend + InventoryBackend + OrderActions over HTTP; 404 means None, 409 is the shop refusing
    a write (ActionRefused with its sentence), anything else failing is BackendError."""

    def __init__(
        self, base_url: str, token: str | None = None, client: HttpClient | None = None, timeout: float = 5.0
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        # A client passed in brings its own timeouts (and transport, e.g. a TestClient).
        self._client: HttpClient = client if client is not None else httpx.Client(timeout=timeout)

    def close(self) -> None:
        self._client.close()

    def _get(self, path: str, params: dict[str, str] | None = None) -> JSON | None:
        url = self.base_url + path
        try:
            response = self._client.get(url, params=params, headers=self._headers)
        except Exception as exc:  # any transport's failure (httpx, httpx2, a test app) is the backend's
            raise BackendError(f"shop API GET {path} failed: {exc.__class__.__name__}: {exc}") from exc
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            detail = response.text[:200]
            raise BackendError(f"shop API GET {path} answered {response.status_code}: {detail}")
        try:
            value: JSON = response.json()
        except ValueError as exc:
            raise BackendError(f"shop API GET {path} returned invalid JSON") from exc
        return value

    def _parse(self, path: str, value: JSON, convert: Callable[[JSON, str], T]) -> T:
        try:
            return convert(value, path)
        except RecordError as exc:
            raise BackendError(f"shop API GET {path} returned a malformed record: {exc}") from exc

    def _one(self, path: str, convert: Callable[[JSON, str], T]) -> T | None:
        value = self._get(path)
        return None if value is None else self._parse(path, value, convert)

    def _many(self, path: str, convert: Callable[[JSON, str], T]) -> list[T]:
        value = self._get(path)
        if value is None:
            return []
        if not isinstance(value, list):
            raise BackendError(f"shop API GET {path} did not return a list")
        return [self._parse(f"{path}[{i}]", v, convert) for i, v in enumerate(value)]

    def _user_id(self, params: dict[str, str]) -> str | None:
        value = self._get("/customers", params)
        if value is None:
            return None
        user_id = value.get("user_id") if isinstance(value, dict) else None
        if not isinstance(user_id, str):
            raise BackendError("shop API GET /customers did not return a user_id")
        return user_id

    # ------------------------------------------------------------------ OrderBackend

    def get_user(self, user_id: str) -> ShopUser | None:
        return self._one(f"/customers/{quote(user_id, safe='')}", user_from_record)

    def find_user_by_email(self, email: str) -> str | None:
        return self._user_id({"email": email})

    def find_user_by_name_zip(self, first_name: str, last_name: str, zip_code: str) -> str | None:
        return self._user_id({"first_name": first_name, "last_name": last_name, "zip": zip_code})

    def get_order(self, order_id: str) -> Order | None:
        return self._one(f"/orders/{quote(order_id.strip(), safe='')}", order_from_record)

    def list_orders(self, user_id: str) -> list[Order]:
        return self._many(f"/customers/{quote(user_id, safe='')}/orders", order_from_record)

    # ------------------------------------------------------------------ InventoryBackend

    def get_product(self, product_id: str) -> Product | None:
        return self._one(f"/products/{quote(product_id, safe='')}", product_from_record)

    def list_products(self) -> list[Product]:
        return self._many("/products", product_from_record)

    def find_variant(self, item_id: str) -> tuple[Product, str] | None:
        stock = self._get(f"/stock/{quote(item_id.strip(), safe='')}")
        if stock is None:
            return None
        if not isinstance(stock, dict) or not isinstance(stock.get("product_id"), str):
            raise BackendError("shop API GET /stock did not return a product_id")
        product = self.get_product(str(stock["product_id"]))
        found = str(stock.get("item_id", item_id))
        return None if product is None else (product, found)

    # ------------------------------------------------------------------ OrderActions

    def _post(self, path: str, body: dict[str, JSON], preview: bool, convert: Callable[[JSON, str], T]) -> T:
        url = self.base_url + path
        params = {"preview": "true"} if preview else {}
        try:
            response = self._client.post(url, json=body, params=params, headers=self._headers)
        except Exception as exc:  # a write whose outcome is unknown must never look like a success
            raise BackendError(f"shop API POST {path} failed: {exc.__class__.__name__}: {exc}") from exc
        if response.status_code == 409:
            try:
                detail = response.json().get("detail")
            except (ValueError, AttributeError):
                detail = None
            raise ActionRefused(detail if isinstance(detail, str) else "The shop refused the change")
        if response.status_code != 200:
            raise BackendError(f"shop API POST {path} answered {response.status_code}: {response.text[:200]}")
        try:
            value: JSON = response.json()
        except ValueError as exc:
            raise BackendError(f"shop API POST {path} returned invalid JSON") from exc
        return self._parse(path, value, convert)

    def _order_post(self, order_id: str, action: str, body: dict[str, JSON], preview: bool) -> Order:
        return self._post(f"/orders/{quote(order_id.strip(), safe='')}/{action}", body, preview, order_from_record)

    def cancel_pending_order(self, order_id: str, reason: str, *, preview: bool = False) -> Order:
        return self._order_post(order_id, "cancel", {"reason": reason}, preview)

    def modify_pending_order_address(self, order_id: str, address: Address, *, preview: bool = False) -> Order:
        return self._order_post(order_id, "address", address.to_json(), preview)

    def modify_pending_order_payment(self, order_id: str, payment_method_id: str, *, preview: bool = False) -> Order:
        return self._order_post(order_id, "payment", {"payment_method_id": payment_method_id}, preview)

    def modify_pending_order_items(
        self,
        order_id: str,
        item_ids: Sequence[str],
        new_item_ids: Sequence[str],
        payment_method_id: str,
        *,
        preview: bool = False,
    ) -> Order:
        return self._order_post(order_id, "items", _swap_body(item_ids, new_item_ids, payment_method_id), preview)

    def modify_user_address(self, user_id: str, address: Address, *, preview: bool = False) -> ShopUser:
        path = f"/customers/{quote(user_id, safe='')}/address"
        return self._post(path, address.to_json(), preview, user_from_record)

    def return_delivered_order_items(
        self, order_id: str, item_ids: Sequence[str], payment_method_id: str, *, preview: bool = False
    ) -> Order:
        body: dict[str, JSON] = {"item_ids": list(item_ids), "payment_method_id": payment_method_id}
        return self._order_post(order_id, "return", body, preview)

    def exchange_delivered_order_items(
        self,
        order_id: str,
        item_ids: Sequence[str],
        new_item_ids: Sequence[str],
        payment_method_id: str,
        *,
        preview: bool = False,
    ) -> Order:
        return self._order_post(order_id, "exchange", _swap_body(item_ids, new_item_ids, payment_method_id), preview)


def _swap_body(item_ids: Sequence[str], new_item_ids: Sequence[str], payment_method_id: str) -> dict[str, JSON]:
    """The body of both item swaps (a pending order's items, a delivered order's exchange)."""
    return {"item_ids": list(item_ids), "new_item_ids": list(new_item_ids), "payment_method_id": payment_method_id}
