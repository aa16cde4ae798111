"""Product cards in the message JSON: every field survives the round trip, and older messages still load."""

from __future__ import annotations

from bot.stores import codec
from bot.types import Message, ProductCard

CARD = ProductCard(
    product_id="p1",
    name="玻璃水瓶 <b>",
    price=24.0,
    variant="v1",
    options={"color": "blue", "size": "1 L"},
    reason="Keeps drinks cold for 24 hours.",
    url="https://shop.example/p1",
    image="https://shop.example/p1.jpg",
    available=False,
)


def test_a_message_with_cards_round_trips_through_json_text() -> None:
    message = Message("c1", "bot", "Here you go", seq=3, products=(CARD, ProductCard("p2", "Mug", 9.5)))
    back = codec.message_from_json(codec.loads(codec.dumps(codec.message_to_json(message))))
    assert back == message
    assert back.products[0].options == {"color": "blue", "size": "1 L"}


def test_a_message_stored_before_cards_existed_loads_with_none() -> None:
    old = codec.message_to_json(Message("c1", "bot", "hello", seq=1))
    del old["products"]
    assert codec.message_from_json(old).products == ()


def test_a_card_missing_optional_fields_gets_the_defaults() -> None:
    card = codec.product_from_json({"product_id": "p9", "name": "Kettle", "price": 30})
    assert card == ProductCard("p9", "Kettle", 30.0)


def test_the_message_event_carries_the_cards() -> None:
    event = codec.message_event(Message("c1", "bot", "x", products=(CARD,)))
    data = event.data["message"]
    assert isinstance(data, dict)
    assert data["products"] == [codec.product_to_json(CARD)]
