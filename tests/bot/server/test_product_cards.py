"""Product cards leave through every path: the HTTP reply, the transcript, the websocket and the IM outbox."""

from __future__ import annotations

from fastapi.testclient import TestClient

from bot.server.im_outbox import outgoing_message, product_line, with_products
from bot.stores.codec import message_event, product_to_json
from bot.testing.service import MUG
from bot.types import Message, ProductCard
from tests.bot.server.conftest import auth

EXPECTED = product_to_json(MUG)


def test_the_http_reply_and_the_transcript_carry_products(client: TestClient, conversation: tuple[str, str]) -> None:
    cid, token = conversation
    response = client.post(f"/v1/conversations/{cid}/messages", json={"text": "recommend a mug"}, headers=auth(token))
    assert response.status_code == 200
    [reply] = response.json()["replies"]
    assert reply["products"] == [EXPECTED]
    assert EXPECTED["options"] == {"color": "blue", "size": "350 ml"}
    messages = client.get(f"/v1/conversations/{cid}/messages", headers=auth(token)).json()["messages"]
    assert [m["products"] for m in messages] == [[], [EXPECTED]]


def test_a_reply_without_cards_has_an_empty_list(client: TestClient, conversation: tuple[str, str]) -> None:
    cid, token = conversation
    response = client.post(f"/v1/conversations/{cid}/messages", json={"text": "hello"}, headers=auth(token))
    assert response.json()["replies"][0]["products"] == []


def test_the_websocket_event_carries_products(client: TestClient, conversation: tuple[str, str]) -> None:
    cid, token = conversation
    with client.websocket_connect(f"/v1/conversations/{cid}/stream?token={token}") as ws:
        assert ws.receive_json()["type"] == "state"
        ws.send_json({"type": "message", "text": "recommend something"})
        while True:
            frame = ws.receive_json()
            if frame["type"] == "message" and frame["message"]["role"] == "bot":
                break
    assert frame["message"]["products"] == [EXPECTED]


def test_im_platforms_get_the_cards_as_plain_lines() -> None:
    message = outgoing_message(message_event(Message("c1", "bot", "Here is one:", products=(MUG,))))
    assert message is not None and message.products == (MUG,)
    assert with_products(message.text, message.products) == (
        "Here is one:\n\n- Stoneware mug (blue, 350 ml): $18.50 - Hand-glazed stoneware, dishwasher safe. "
        "https://shop.example/products/mug"
    )
    assert with_products("No cards") == "No cards"


def test_a_plain_card_line_has_only_what_the_card_has() -> None:
    assert product_line(ProductCard("p1", "Kettle", 30)) == "- Kettle: $30.00"


def test_an_out_of_stock_card_says_so_in_the_message_language() -> None:
    card = ProductCard("p1", "Kettle", 30, available=False)
    assert with_products("Sorry:", (card,)).endswith("- Kettle: $30.00 (out of stock)")
    assert with_products("抱歉：", (card,)).endswith("- Kettle: $30.00 (缺货)")
