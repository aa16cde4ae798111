"""A small REST API over a shop backend (reads, and the write actions when given a writer and a token)."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Protocol, TypeVar

from fastapi import APIRouter, Depends, Header, HTTPException, Query
from pydantic import BaseModel

from bot.errors import ActionRefused, ConfigError
from bot.ports import InventoryBackend, OrderActions, OrderBackend
from bot.types import JSON, Address, Order, ShopUser
from connectors.commerce.records import order_to_record, product_to_record

T = TypeVar("T")


class ShopBackend(OrderBackend, InventoryBackend, Protocol):
    """Both commerce ports in one object, as SqliteShop and RestShop provide them."""


def _found(value: T | None, what: str) -> T:
    """The value a read found, or the 404 that names what was not."""
    if value is None:
        raise HTTPException(404, f"{what} not found")
    return value


def _bearer_guard(token: str | None) -> Callable[[str | None], None]:
    def check(authorization: str | None = Header(None)) -> None:
        if token is None:
            return
        scheme, _, given = (authorization or "").partition(" ")
        # compare_digest: the time taken must not reveal how much of the token matched.
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
            raise HTTPException(401, "missing or wrong bearer token", headers={"WWW-Authenticate": "Bearer"})

    return check


class CancelBody(BaseModel):
    reason: str


class AddressBody(BaseModel):
    address1: str
    address2: str
    city: str
    state: str
    country: str
    zip: str

    def address(self) -> Address:
        return Address(self.address1, self.address2, self.city, self.state, self.country, self.zip)


class PaymentBody(BaseModel):
    payment_method_id: str


class ReturnBody(BaseModel):
    item_ids: list[str]
    payment_method_id: str


class ItemsBody(ReturnBody):
    new_item_ids: list[str]


def shop_router(shop: ShopBackend, token: str | None = None, actions: OrderActions | None = None) -> APIRouter:
    """Routes for customers, orders, products and stock; JSON uses tau2 field names plus extras.
    With `actions`, also the seven write actions (POST, ?preview=true to check without changing);
    a refusal is 409 with the shop's sentence as detail."""
    if actions is not None and not token:
        raise ConfigError("the shop API serves write actions only behind a bearer token")
    router = APIRouter(dependencies=[Depends(_bearer_guard(token))])
    if actions is not None:
        _write_routes(router, actions)

    @router.get("/customers/{user_id}", response_model=None)
    def get_customer(user_id: str) -> dict[str, JSON]:
        return _found(shop.get_user(user_id), f"customer {user_id}").to_json()

    @router.get("/customers", response_model=None)
    def find_customer(
        email: str | None = Query(None),
        first_name: str | None = Query(None),
        last_name: str | None = Query(None),
        zip: str | None = Query(None),
    ) -> dict[str, JSON]:
        if email:
            user_id = shop.find_user_by_email(email)
        elif first_name and last_name and zip:
            user_id = shop.find_user_by_name_zip(first_name, last_name, zip)
        else:
            raise HTTPException(400, "give ?email= or ?first_name=&last_name=&zip=")
        if user_id is None:
            raise HTTPException(404, "no customer matches")
        return {"user_id": user_id}

    @router.get("/customers/{user_id}/orders", response_model=None)
    def customer_orders(user_id: str) -> list[JSON]:
        _found(shop.get_user(user_id), f"customer {user_id}")
        return [order_to_record(o) for o in shop.list_orders(user_id)]

    @router.get("/orders/{order_id}", response_model=None)
    def get_order(order_id: str) -> dict[str, JSON]:
        return order_to_record(_found(shop.get_order(order_id), f"order {order_id}"))

    @router.get("/products", response_model=None)
    def list_products() -> list[JSON]:
        return [product_to_record(p) for p in shop.list_products()]

    @router.get("/products/{product_id}", response_model=None)
    def get_product(product_id: str) -> dict[str, JSON]:
        return product_to_record(_found(shop.get_product(product_id), f"product {product_id}"))

    @router.get("/stock/{item_id}", response_model=None)
    def get_stock(item_id: str) -> dict[str, JSON]:
        product, found_id = _found(shop.find_variant(item_id), f"item {item_id}")
        variant = next(v for v in product.variants if v.item_id == found_id)
        return {"product_id": product.product_id, "name": product.name, **variant.to_json()}

    return router


def _write_routes(router: APIRouter, actions: OrderActions) -> None:
    def run(write: Callable[[], Order | ShopUser]) -> dict[str, JSON]:
        try:
            value = write()
        except ActionRefused as exc:
            raise HTTPException(409, exc.message) from None
        return value.to_json() if isinstance(value, ShopUser) else order_to_record(value)

    @router.post("/orders/{order_id}/cancel", response_model=None)
    def cancel(order_id: str, body: CancelBody, preview: bool = False) -> dict[str, JSON]:
        return run(lambda: actions.cancel_pending_order(order_id, body.reason, preview=preview))

    @router.post("/orders/{order_id}/address", response_model=None)
    def order_address(order_id: str, body: AddressBody, preview: bool = False) -> dict[str, JSON]:
        return run(lambda: actions.modify_pending_order_address(order_id, body.address(), preview=preview))

    @router.post("/orders/{order_id}/payment", response_model=None)
    def payment(order_id: str, body: PaymentBody, preview: bool = False) -> dict[str, JSON]:
        return run(lambda: actions.modify_pending_order_payment(order_id, body.payment_method_id, preview=preview))

    @router.post("/orders/{order_id}/items", response_model=None)
    def items(order_id: str, body: ItemsBody, preview: bool = False) -> dict[str, JSON]:
        return run(
            lambda: actions.modify_pending_order_items(
                order_id, body.item_ids, body.new_item_ids, body.payment_method_id, preview=preview
            )
        )

    @router.post("/customers/{user_id}/address", response_model=None)
    def user_address(user_id: str, body: AddressBody, preview: bool = False) -> dict[str, JSON]:
        return run(lambda: actions.modify_user_address(user_id, body.address(), preview=preview))

    @router.post("/orders/{order_id}/return", response_model=None)
    def return_items(order_id: str, body: ReturnBody, preview: bool = False) -> dict[str, JSON]:
        return run(
            lambda: actions.return_delivered_order_items(
                order_id, body.item_ids, body.payment_method_id, preview=preview
            )
        )

    @router.post("/orders/{order_id}/exchange", response_model=None)
    def exchange(order_id: str, body: ItemsBody, preview: bool = False) -> dict[str, JSON]:
        return run(
            lambda: actions.exchange_delivered_order_items(
                order_id, body.item_ids, body.new_item_ids, body.payment_method_id, preview=preview
            )
        )
