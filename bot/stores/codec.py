"""JSON encoding of the stored domain values (Conversation, Message, Event) and back."""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any, Mapping, cast

from bot.types import JSON, Citation, Conversation, ConversationState, Customer, Event, Message, ProductCard


def _every_field(value: ProductCard | Customer | Conversation, **encoded: JSON) -> dict[str, JSON]:
    """Every field of a stored value, in declaration order, the ones named in `encoded` given as encoded there:
    a field added to the dataclass is stored without a second list of names to keep in step."""
    return {f.name: encoded[f.name] if f.name in encoded else getattr(value, f.name) for f in fields(value)}


def citation_to_json(citation: Citation) -> dict[str, JSON]:
    return {"source": citation.source, "title": citation.title, "snippet": citation.snippet}


def citation_from_json(data: Mapping[str, Any]) -> Citation:
    return Citation(source=str(data["source"]), title=str(data["title"]), snippet=str(data["snippet"]))


def product_to_json(card: ProductCard) -> dict[str, JSON]:
    """A product card as the API, the websocket and the store carry it (every field, so the widget needs no lookup)."""
    return _every_field(card, options={str(k): str(v) for k, v in card.options.items()})


def product_from_json(data: Mapping[str, Any]) -> ProductCard:
    """Tolerant of missing optional fields: a card stored by an older version still loads."""
    options = data.get("options") or {}
    return ProductCard(
        product_id=str(data["product_id"]),
        name=str(data.get("name", "")),
        price=float(data.get("price", 0.0)),
        variant=str(data.get("variant", "")),
        options={str(k): str(v) for k, v in dict(options).items()},
        reason=str(data.get("reason", "")),
        url=str(data.get("url", "")),
        image=str(data.get("image", "")),
        available=bool(data.get("available", True)),
    )


def message_to_json(message: Message) -> dict[str, JSON]:
    """The public shape of a message too: what the HTTP API and the websocket send."""
    return {
        "id": message.id,
        "conversation_id": message.conversation_id,
        "seq": message.seq,
        "role": message.role,
        "text": message.text,
        "citations": [citation_to_json(c) for c in message.citations],
        "products": [product_to_json(p) for p in message.products],
        "created_at": message.created_at,
        "author": message.author,
    }


def message_event(message: Message) -> Event:
    """The event that carries one stored transcript message to watchers (widget, console, IM outbox)."""
    return Event(type="message", conversation_id=message.conversation_id, data={"message": message_to_json(message)})


def state_event(conversation_id: str, state: ConversationState) -> Event:
    return Event(type="state", conversation_id=conversation_id, data={"state": state})


def message_from_json(data: Mapping[str, Any]) -> Message:
    return Message(
        conversation_id=str(data["conversation_id"]),
        role=data["role"],
        text=str(data["text"]),
        seq=int(data.get("seq", 0)),
        id=str(data["id"]),
        created_at=float(data["created_at"]),
        citations=tuple(citation_from_json(c) for c in data.get("citations", ())),
        author=str(data.get("author", "")),
        products=tuple(product_from_json(p) for p in data.get("products") or ()),
    )


def _customer_to_json(customer: Customer | None) -> dict[str, JSON] | None:
    return None if customer is None else _every_field(customer)


def _customer_from_json(data: Mapping[str, Any] | None) -> Customer | None:
    if data is None:
        return None
    return Customer(
        customer_id=str(data["customer_id"]),
        name=str(data.get("name", "")),
        email=str(data.get("email", "")),
        verified_by=data.get("verified_by", "order_and_email"),
    )


def conversation_to_json(conversation: Conversation) -> dict[str, JSON]:
    return _every_field(
        conversation,
        customer=_customer_to_json(conversation.customer),
        memory=dict(conversation.memory),
        vault=dict(conversation.vault),
    )


def conversation_from_json(data: Mapping[str, Any]) -> Conversation:
    return Conversation(
        id=str(data["id"]),
        channel=str(data.get("channel", "web")),
        locale=data.get("locale"),
        state=data.get("state", "bot"),
        customer=_customer_from_json(data.get("customer")),
        token_hash=str(data.get("token_hash", "")),
        created_at=float(data["created_at"]),
        updated_at=float(data["updated_at"]),
        memory={str(k): str(v) for k, v in dict(data.get("memory") or {}).items()},
        vault={str(k): str(v) for k, v in dict(data.get("vault") or {}).items()},
        handoff_reason=str(data.get("handoff_reason", "")),
    )


def event_to_json(event: Event) -> dict[str, JSON]:
    """Keeps data apart from the envelope so decoding is exact (Event.to_json flattens it)."""
    return {"type": event.type, "conversation_id": event.conversation_id, "data": dict(event.data)}


def event_from_json(data: Mapping[str, Any]) -> Event:
    return Event(
        type=data["type"],
        conversation_id=str(data["conversation_id"]),
        data=cast(dict[str, JSON], dict(data.get("data") or {})),
    )


def dumps(value: JSON) -> str:
    # Compact and non-ASCII as is: Chinese transcripts stay readable in redis-cli.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def loads(text: str | bytes) -> Any:
    return json.loads(text)
