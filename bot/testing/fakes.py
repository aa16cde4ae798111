"""Test doubles that ship with the package: an in-memory shop, a keyword retriever, a scripted engine, a bus
that remembers what it published."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Iterable, Sequence

from bot.stores.memory import MemoryBus
from bot.types import (
    Address,
    Conversation,
    Decision,
    DocKind,
    EngineName,
    Event,
    Fulfillment,
    Handoff,
    Language,
    Message,
    Order,
    OrderItem,
    Passage,
    PaymentMethod,
    Product,
    Reply,
    ShopUser,
    Understanding,
    Variant,
)

# --------------------------------------------------------------------------- shop

_ADDRESS_JANE = Address("12 Harbor St", "", "Portland", "ME", "USA", "04101")
_ADDRESS_LI = Address("88 Nanjing Rd", "Apt 5", "Shanghai", "SH", "China", "200001")
_ADDRESS_OMAR = Address("7 Elm Ave", "", "Austin", "TX", "USA", "73301")

USERS: tuple[ShopUser, ...] = (
    ShopUser(
        "jane_doe_1001",
        "Jane",
        "Doe",
        "jane.doe@example.com",
        _ADDRESS_JANE,
        (PaymentMethod("credit_card_1001", "credit_card", "visa", "4242"),),
        ("#W1000001", "#W1000002"),
    ),
    ShopUser(
        "li_wei_2002",
        "Wei",
        "Li",
        "li.wei@example.cn",
        _ADDRESS_LI,
        (PaymentMethod("paypal_2002", "paypal"),),
        ("#W2000001",),
    ),
    ShopUser("omar_khan_3003", "Omar", "Khan", "omar@example.org", _ADDRESS_OMAR, (), ()),
)

PRODUCTS: tuple[Product, ...] = (
    Product(
        "8310926033",
        "Water Bottle",
        (
            Variant("1434748144", {"capacity": "500ml", "color": "blue"}, True, 24.5, 12),
            Variant("7843064651", {"capacity": "750ml", "color": "black"}, False, 29.0, 0),
        ),
        name_zh="水杯",
        description="Insulated steel bottle.",
        category="kitchen",
    ),
    Product(
        "6945232052",
        "Wireless Earbuds",
        (Variant("3694871183", {"color": "white"}, True, 79.99, 40),),
        name_zh="无线耳机",
        description="Bluetooth 5.3 earbuds.",
        category="electronics",
    ),
)

ORDERS: tuple[Order, ...] = (
    Order(
        "#W1000001",
        "jane_doe_1001",
        "delivered",
        _ADDRESS_JANE,
        (OrderItem("1434748144", "8310926033", "Water Bottle", 24.5, {"capacity": "500ml", "color": "blue"}),),
        (Fulfillment(("357962501027",), ("1434748144",)),),
        created_at="2026-10-02",
    ),
    Order(
        "#W1000002",
        "jane_doe_1001",
        "pending",
        _ADDRESS_JANE,
        (OrderItem("3694871183", "6945232052", "Wireless Earbuds", 79.99, {"color": "white"}),),
        created_at="2026-11-20",
    ),
    Order(
        "#W2000001",
        "li_wei_2002",
        "processed",
        _ADDRESS_LI,
        (OrderItem("3694871183", "6945232052", "Wireless Earbuds", 79.99, {"color": "white"}),),
        (Fulfillment(("882461930554",), ("3694871183",)),),
        created_at="2026-11-18",
    ),
)


class FakeShop:
    """In-memory OrderBackend + InventoryBackend over a few hand-written users, orders and products."""

    def __init__(
        self,
        users: Iterable[ShopUser] = USERS,
        orders: Iterable[Order] = ORDERS,
        products: Iterable[Product] = PRODUCTS,
    ) -> None:
        self.users = {u.user_id: u for u in users}
        self.orders = {_order_key(o.order_id): o for o in orders}
        self.products = {p.product_id: p for p in products}

    def get_user(self, user_id: str) -> ShopUser | None:
        return self.users.get(user_id)

    def find_user_by_email(self, email: str) -> str | None:
        wanted = email.strip().lower()
        return next((u.user_id for u in self.users.values() if u.email.lower() == wanted), None)

    def find_user_by_name_zip(self, first_name: str, last_name: str, zip_code: str) -> str | None:
        for u in self.users.values():
            if (u.first_name.lower(), u.last_name.lower(), u.address.zip) == (
                first_name.strip().lower(),
                last_name.strip().lower(),
                zip_code.strip(),
            ):
                return u.user_id
        return None

    def get_order(self, order_id: str) -> Order | None:
        return self.orders.get(_order_key(order_id))

    def list_orders(self, user_id: str) -> list[Order]:
        return [o for o in self.orders.values() if o.user_id == user_id]

    def get_product(self, product_id: str) -> Product | None:
        return self.products.get(product_id)

    def list_products(self) -> list[Product]:
        return list(self.products.values())

    def find_variant(self, item_id: str) -> tuple[Product, str] | None:
        for p in self.products.values():
            if any(v.item_id == item_id for v in p.variants):
                return p, item_id
        return None


def _order_key(order_id: str) -> str:
    return order_id.strip().lstrip("#").upper()


# --------------------------------------------------------------------------- knowledge

POLICY_PASSAGES: tuple[Passage, ...] = (
    Passage(
        "returns.en#1",
        "## The 30-day return window\nYou can return items within **30 days of the delivery date**. Items must be "
        "unused and in their original condition. Gift cards cannot be returned.",
        "returns.en.md",
        "Returns and Refunds Policy",
        "The 30-day return window",
        "policy",
        "en",
    ),
    Passage(
        "returns.en#2",
        "## Refunds\nRefunds to the original payment method appear on your statement within 5-7 business days. "
        "Refunds to a gift card are immediate once the return is approved.",
        "returns.en.md",
        "Returns and Refunds Policy",
        "Refunds",
        "policy",
        "en",
    ),
    Passage(
        "shipping.en#1",
        "## Delivery times\nStandard shipping takes 3-5 business days within the US. Orders over $50 ship for free. "
        "We do not ship to PO boxes.",
        "shipping.en.md",
        "Shipping Policy",
        "Delivery times",
        "policy",
        "en",
    ),
    Passage(
        "contact.en#1",
        "## Human support\nOur human support team is available Monday to Friday, 9:00-18:00 ET. "
        "You can also email support@harbor-goods.example.",
        "contact.en.md",
        "Contact Us",
        "Human support",
        "policy",
        "en",
    ),
    Passage(
        "returns.zh#1",
        "## 30天退货期\n自签收之日起 **30 天内** 可申请退货。商品须未使用且保持原样。礼品卡不支持退货。",
        "returns.zh.md",
        "退货与退款政策",
        "30天退货期",
        "policy",
        "zh",
    ),
    Passage(
        "shipping.zh#1",
        "## 配送时间\n美国境内标准配送需要 3-5 个工作日。订单满 50 美元包邮。我们不向邮政信箱配送。",
        "shipping.zh.md",
        "配送政策",
        "配送时间",
        "policy",
        "zh",
    ),
)

_WORD = re.compile(r"[a-z0-9]+|[\u3400-\u9fff]")
_FAKE_STOPWORDS = frozenset("a an the is are do does you your i my me what how to of for can in on it we our".split())


@dataclass
class FakeRetriever:
    """A Retriever that scores the given passages by word (and Chinese character) overlap."""

    passages: Sequence[Passage] = POLICY_PASSAGES
    queries: list[str] = field(default_factory=list)
    """Every query it was asked, for assertions."""

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        kind: DocKind | None = None,
        language: Language | None = None,
        customer_id: str | None = None,
    ) -> list[Passage]:
        self.queries.append(query)
        q = _tokens(query)
        if not q:
            return []
        hits: list[Passage] = []
        for p in self.passages:
            if (kind and p.kind != kind) or (language and p.language != language):
                continue
            if p.kind == "order" and customer_id is None:
                continue  # order documents are private to their customer
            overlap = len(q & _tokens(p.title + " " + p.section + " " + p.text)) / len(q)
            if overlap > 0:
                hits.append(replace(p, score=round(overlap, 4)))
        hits.sort(key=lambda p: -p.score)
        return hits[:k]


def _tokens(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _FAKE_STOPWORDS}


# --------------------------------------------------------------------------- engine


@dataclass
class ScriptedEngine:
    """An Engine that returns scripted Decisions in order (then a fixed reply) and records its inputs."""

    decisions: list[Decision] = field(default_factory=list)
    name: EngineName = "embedded"
    waits_on_network: bool = False
    seen: list[tuple[Conversation, str, Understanding, tuple[Message, ...]]] = field(default_factory=list)

    def decide(
        self,
        conversation: Conversation,
        scrubbed_text: str,
        understanding: Understanding,
        history: Sequence[Message],
    ) -> Decision:
        self.seen.append((conversation, scrubbed_text, understanding, tuple(history)))
        if self.decisions:
            return self.decisions.pop(0)
        return Decision(replies=(Reply("(no more scripted decisions)"),), memory=conversation.memory)

    def hand_off(
        self,
        conversation: Conversation,
        scrubbed_text: str,
        understanding: Understanding,
        handoff: Handoff,
        decided: Decision | None = None,
    ) -> Decision:
        """The next scripted decision composes the handoff the turn's policy decided (its own handoff, when it
        has one, stands); recorded in `seen` like a decide()."""
        if decided is None:
            decided = self.decide(conversation, scrubbed_text, understanding, ())
        return decided if decided.handoff is not None else replace(decided, handoff=handoff)


# --------------------------------------------------------------------------- bus


class RecordingBus(MemoryBus):
    """The in-process bus, remembering every event it published, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[Event] = []

    def publish(self, event: Event) -> None:
        self.events.append(event)
        super().publish(event)
