"""The shop API's write routes and RestShop's OrderActions: same records and refusals as SqliteShop."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.errors import ActionRefused, BackendError, ConfigError
from bot.testing.commerce import (
    ANA,
    ANA_DELIVERED,
    ANA_GIFT_PENDING,
    ANA_PENDING,
    BOTTLE_LARGE,
    BOTTLE_SMALL,
    SHIRT_BLUE,
    SHIRT_RED,
    open_mini_shop,
)
from bot.types import Address
from connectors.commerce.rest_api import shop_router
from connectors.commerce.rest_client import RestShop
from connectors.commerce.sqlite_shop import SqliteShop

BASE = "http://testserver/shop/v1"
ADDRESS = Address("5 Elm St", "", "Boston", "MA", "USA", "02108")


@pytest.fixture()
def pair(tmp_path: Path) -> Iterator[tuple[RestShop, SqliteShop, SqliteShop]]:
    """A RestShop over one mini shop, and a second identical shop to act on directly."""
    served, direct = open_mini_shop(tmp_path / "a.sqlite"), open_mini_shop(tmp_path / "b.sqlite")
    app = FastAPI()
    app.include_router(shop_router(served, token="s3cret", actions=served), prefix="/shop/v1")
    yield RestShop(BASE, token="s3cret", client=TestClient(app)), served, direct
    served.close()
    direct.close()


def test_every_write_answers_like_the_shop_itself(pair: tuple[RestShop, SqliteShop, SqliteShop]) -> None:
    rest, served, direct = pair
    for shop in (rest, direct):
        assert shop.cancel_pending_order(ANA_GIFT_PENDING, "no longer needed", preview=True).status == "cancelled"
    assert served.export() == direct.export()  # previews changed nothing on either side
    calls = [
        lambda s: s.modify_pending_order_address(ANA_PENDING, ADDRESS),
        lambda s: s.modify_pending_order_items(ANA_PENDING, [SHIRT_RED], [SHIRT_BLUE], "gift_card_1111"),
        lambda s: s.modify_pending_order_payment(ANA_GIFT_PENDING, "paypal_1111"),
        lambda s: s.cancel_pending_order(ANA_GIFT_PENDING, "ordered by mistake"),
        lambda s: s.modify_user_address(ANA, ADDRESS),
        lambda s: s.exchange_delivered_order_items(ANA_DELIVERED, [BOTTLE_SMALL], [BOTTLE_LARGE], "paypal_1111"),
    ]
    for call in calls:
        assert call(rest) == call(direct)
    assert served.export() == direct.export()


def test_refusals_carry_the_shops_sentence(pair: tuple[RestShop, SqliteShop, SqliteShop]) -> None:
    rest, _, _ = pair
    with pytest.raises(ActionRefused, match="^Non-delivered order cannot be returned$"):
        rest.return_delivered_order_items(ANA_PENDING, [SHIRT_RED], "credit_card_1111")
    with pytest.raises(ActionRefused, match="^Order not found$"):
        rest.cancel_pending_order("#W7777777", "no longer needed")


def test_writes_need_a_token(tmp_path: Path) -> None:
    shop = open_mini_shop(tmp_path / "s.sqlite")
    with pytest.raises(ConfigError):
        shop_router(shop, token=None, actions=shop)
    app = FastAPI()
    app.include_router(shop_router(shop, token="right", actions=shop), prefix="/shop/v1")
    with pytest.raises(BackendError, match="401"):
        RestShop(BASE, token="wrong", client=TestClient(app)).cancel_pending_order(ANA_PENDING, "no longer needed")
    assert shop.get_order(ANA_PENDING) is not None and shop.get_order(ANA_PENDING).status == "pending"  # type: ignore[union-attr]
    shop.close()
