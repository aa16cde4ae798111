"""The shop REST API and RestShop: same answers as SqliteShop, 404s, bearer token, failures."""

from __future__ import annotations

import random
from urllib.parse import quote

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.errors import BackendError
from connectors.commerce import ShopData, SqliteShop
from connectors.commerce.rest_api import shop_router
from connectors.commerce.rest_client import RestShop

BASE = "http://testserver/shop/v1"


def _client(shop: SqliteShop, token: str | None = None) -> TestClient:
    app = FastAPI()
    app.include_router(shop_router(shop, token=token), prefix="/shop/v1")
    return TestClient(app)


@pytest.fixture(scope="module")
def rest(demo_shop: SqliteShop) -> RestShop:
    return RestShop(BASE, token="s3cret", client=_client(demo_shop, token="s3cret"))


def test_rest_answers_like_sqlite(rest: RestShop, demo_shop: SqliteShop, demo_data: ShopData) -> None:
    rng = random.Random(5)
    for user_id in rng.sample(list(demo_data.users), 15):
        user = demo_shop.get_user(user_id)
        assert user is not None and rest.get_user(user_id) == user
        assert rest.find_user_by_email(user.email.upper()) == demo_shop.find_user_by_email(user.email) == user_id
        assert rest.find_user_by_name_zip(user.first_name, user.last_name, user.address.zip) == user_id
        assert rest.list_orders(user_id) == demo_shop.list_orders(user_id)
    for order_id in rng.sample(list(demo_data.orders), 25):
        assert rest.get_order(order_id) == demo_shop.get_order(order_id)
        assert rest.get_order(order_id.lstrip("#").lower()) == demo_shop.get_order(order_id)
    assert rest.list_products() == demo_shop.list_products()
    for product_id in rng.sample(list(demo_data.products), 10):
        product = demo_shop.get_product(product_id)
        assert product is not None and rest.get_product(product_id) == product
        item_id = product.variants[0].item_id
        assert rest.find_variant(item_id) == demo_shop.find_variant(item_id)


def test_unknown_ids_are_none(rest: RestShop) -> None:
    assert rest.get_user("nobody") is None
    assert rest.get_order("#W0000000") is None
    assert rest.get_product("0") is None
    assert rest.find_variant("0") is None
    assert rest.find_user_by_email("nobody@example.com") is None
    assert rest.list_orders("nobody") == []


def test_http_shape(demo_shop: SqliteShop, demo_data: ShopData) -> None:
    http = _client(demo_shop)
    order_id = next(iter(demo_data.orders))
    body = http.get(f"/shop/v1/orders/{quote(order_id, safe='')}").json()
    assert body["order_id"] == order_id and "created_at" in body and isinstance(body["fulfillments"], list)
    assert http.get(f"/shop/v1/orders/{order_id.lstrip('#')}").json()["order_id"] == order_id
    missing = http.get("/shop/v1/orders/W0000000")
    assert missing.status_code == 404 and "W0000000" in missing.json()["detail"]
    assert http.get("/shop/v1/customers").status_code == 400
    item_id = next(iter(next(iter(demo_data.products.values()))["variants"]))  # type: ignore[arg-type]
    stock = http.get(f"/shop/v1/stock/{item_id}").json()
    assert stock["item_id"] == item_id and "stock" in stock and "available" in stock and "product_id" in stock


def test_token_required_when_given(demo_shop: SqliteShop) -> None:
    http = _client(demo_shop, token="s3cret")
    assert http.get("/shop/v1/products").status_code == 401
    assert http.get("/shop/v1/products", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert http.get("/shop/v1/products", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    with pytest.raises(BackendError, match="401"):
        RestShop(BASE, token="wrong", client=http).list_products()


def test_failing_backend_raises_backend_error() -> None:
    def boom(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/products"):
            return httpx.Response(500, text="database on fire")
        if request.url.path.startswith("/shop/v1/orders"):
            return httpx.Response(200, json={"order_id": "#W1"})
        raise httpx.ConnectError("connection refused", request=request)

    shop = RestShop(BASE, client=httpx.Client(transport=httpx.MockTransport(boom)))
    with pytest.raises(BackendError, match="500: database on fire"):
        shop.list_products()
    with pytest.raises(BackendError, match="malformed record.*missing field"):
        shop.get_order("#W1")
    with pytest.raises(BackendError, match="ConnectError"):
        shop.get_user("x")


def test_timeout_is_a_backend_error() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    shop = RestShop(BASE, client=httpx.Client(transport=httpx.MockTransport(slow)), timeout=0.1)
    with pytest.raises(BackendError, match="ReadTimeout"):
        shop.get_product("1")
