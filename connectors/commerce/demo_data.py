"""Deterministic demo shop data (customers, orders, catalogue) in tau2 shape plus extras."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from bot.types import JSON
from connectors.commerce.demo_catalogue import generate_catalogue
from connectors.commerce.records import JSONObject, ShopData

DEMO_SEED = 20240601
# A fixed "today" so the same seed gives the same data on any day; dates fall in the year before it.
DEMO_END = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)

_EN_FIRST = (
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Ethan",
    "Sophia",
    "Mason",
    "Isabella",
    "Lucas",
    "Mia",
    "James",
    "Amelia",
    "Benjamin",
    "Harper",
    "Daniel",
    "Evelyn",
    "Henry",
    "Grace",
    "Samuel",
    "Chloe",
    "Owen",
    "Nora",
    "Jack",
    "Lily",
    "Aiden",
    "Zoe",
    "Caleb",
    "Hannah",
    "Isaac",
)
_EN_LAST = (
    "Smith",
    "Johnson",
    "Brown",
    "Garcia",
    "Miller",
    "Davis",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Martin",
    "Jackson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Walker",
    "Young",
    "King",
    "Lopez",
    "Hill",
    "Scott",
    "Green",
    "Baker",
    "Nelson",
    "Carter",
    "Mitchell",
    "Rossi",
    "Kim",
)
_ZH_FIRST = (
    "Wei",
    "Fang",
    "Jing",
    "Min",
    "Lei",
    "Yang",
    "Xiaoming",
    "Na",
    "Hao",
    "Yan",
    "Jun",
    "Li",
    "Ying",
    "Tao",
    "Mei",
    "Qiang",
    "Xin",
    "Yu",
    "Chen",
    "Hui",
)
_ZH_LAST = ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu")
_STREETS = (
    "Main Street",
    "Oak Avenue",
    "Maple Drive",
    "Harbor Road",
    "Cedar Lane",
    "Pine Street",
    "Elm Street",
    "Lakeview Drive",
    "Sunset Boulevard",
    "River Road",
    "Hillcrest Avenue",
    "Park Avenue",
)
_US_CITIES = (
    ("Seattle", "WA", "981"),
    ("Portland", "OR", "972"),
    ("San Francisco", "CA", "941"),
    ("Los Angeles", "CA", "900"),
    ("Denver", "CO", "802"),
    ("Austin", "TX", "787"),
    ("Chicago", "IL", "606"),
    ("Boston", "MA", "021"),
    ("New York", "NY", "100"),
    ("Atlanta", "GA", "303"),
    ("Miami", "FL", "331"),
    ("Phoenix", "AZ", "850"),
)
_CN_CITIES = (
    ("Shanghai", "Shanghai", "200"),
    ("Beijing", "Beijing", "100"),
    ("Shenzhen", "Guangdong", "518"),
    ("Hangzhou", "Zhejiang", "310"),
    ("Guangzhou", "Guangdong", "510"),
)
_CN_STREETS = ("Nanjing Road", "Huaihai Road", "Jianguo Road", "Shennan Avenue", "Wensan Road", "Tianhe Road")
_BRANDS = ("visa", "mastercard", "amex", "discover")

# (status, share of 1,000 orders, how many days back its created_at may fall)
_STATUS_MIX = (
    ("pending", 220, (0, 10)),
    ("pending (item modified)", 20, (0, 10)),
    ("processed", 150, (2, 25)),
    ("delivered", 390, (20, 365)),
    ("cancelled", 100, (5, 365)),
    ("return requested", 65, (25, 120)),
    ("exchange requested", 55, (25, 120)),
)
_CANCEL_REASONS = ("no longer needed", "ordered by mistake")


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _unique(rng: random.Random, used: set[str], make: str, n: int) -> str:
    while True:
        value = make + _digits(rng, n)
        if value not in used:
            used.add(value)
            return value


def _copy(value: JSON) -> JSONObject:
    assert isinstance(value, dict)
    return dict(value)


def _address(rng: random.Random, china: bool) -> JSONObject:
    city, state, zip_prefix = rng.choice(_CN_CITIES if china else _US_CITIES)
    street = rng.choice(_CN_STREETS if china else _STREETS)
    return {
        "address1": f"{rng.randint(1, 1999)} {street}",
        "address2": rng.choice(("", f"Suite {rng.randint(100, 999)}", f"Apt {rng.randint(1, 40)}{rng.choice('ABCD')}")),
        "city": city,
        "country": "China" if china else "USA",
        "state": state,
        "zip": zip_prefix + _digits(rng, 3 if china else 2),
    }


def _customers(rng: random.Random, count: int, used: set[str]) -> dict[str, JSONObject]:
    users: dict[str, JSONObject] = {}
    name_zips: set[tuple[str, str, str]] = set()
    while len(users) < count:
        chinese = rng.random() < 0.3
        first = rng.choice(_ZH_FIRST if chinese else _EN_FIRST)
        last = rng.choice(_ZH_LAST if chinese else _EN_LAST)
        address = _address(rng, china=chinese and rng.random() < 0.3)
        if (first, last, str(address["zip"])) in name_zips:
            continue  # name + zip must identify one customer
        name_zips.add((first, last, str(address["zip"])))
        user_id = _unique(rng, used, f"{first.lower()}_{last.lower()}_", 4)
        email = _unique(rng, used, f"{first.lower()}.{last.lower()}", 4) + "@example.com"
        methods: dict[str, JSON] = {}
        for source in rng.sample(("credit_card", "paypal", "gift_card", "credit_card"), rng.randint(1, 3)):
            pm_id = _unique(rng, used, f"{source}_", 7)
            pm: JSONObject = {"source": source, "id": pm_id}
            if source == "credit_card":
                pm.update(brand=rng.choice(_BRANDS), last_four=_digits(rng, 4))
            elif source == "gift_card":
                pm["balance"] = float(rng.randint(0, 250))
            methods[pm_id] = pm
        users[user_id] = {
            "user_id": user_id,
            "name": {"first_name": first, "last_name": last},
            "address": address,
            "email": email,
            "payment_methods": methods,
            "orders": [],
        }
    return users


def _order(
    rng: random.Random, order_id: str, user: JSONObject, status: str, created: datetime, products: list[JSONObject]
) -> JSONObject:
    items: list[JSON] = []
    prices: list[float] = []
    for product in rng.sample(products, rng.choices((1, 2, 3, 4, 5), (40, 30, 15, 10, 5))[0]):
        variants = product["variants"]
        assert isinstance(variants, dict)
        choices = [v for v in variants.values() if isinstance(v, dict)]
        if "pending" in status:  # an open order can only hold what is on sale today
            choices = [v for v in choices if v["available"]] or choices
        variant = rng.choice(choices)
        price = variant["price"]
        assert isinstance(price, float)
        prices.append(price)
        items.append(
            {
                "name": product["name"],
                "product_id": product["product_id"],
                "item_id": variant["item_id"],
                "price": price,
                "options": _copy(variant["options"]),
            }
        )
    methods = user["payment_methods"]
    assert isinstance(methods, dict)
    method = rng.choice(list(methods))
    total = round(sum(prices), 2)
    payments: list[JSON] = [{"transaction_type": "payment", "amount": total, "payment_method_id": method}]
    record: JSONObject = {
        "order_id": order_id,
        "user_id": user["user_id"],
        "address": _copy(user["address"]),
        "items": items,
        "status": status,
        "fulfillments": [],
        "payment_history": payments,
    }
    item_ids = sorted(str(i["item_id"]) for i in items if isinstance(i, dict))
    shipped = status in ("processed", "delivered", "return requested", "exchange requested")
    if shipped:
        # Big orders sometimes ship in two parcels, each with its own tracking id.
        split = rng.randint(1, len(item_ids) - 1) if len(item_ids) > 2 and rng.random() < 0.3 else len(item_ids)
        parts = [p for p in (item_ids[:split], item_ids[split:]) if p]
        record["fulfillments"] = [{"tracking_id": [_digits(rng, 12)], "item_ids": list(p)} for p in parts]
    if status == "cancelled":
        payments.append({"transaction_type": "refund", "amount": total, "payment_method_id": method})
        record["cancel_reason"] = rng.choice(_CANCEL_REASONS)
    elif status == "return requested":
        record["return_items"] = list[JSON](sorted(rng.sample(item_ids, rng.randint(1, len(item_ids)))))
        record["return_payment_method_id"] = method
    elif status == "exchange requested":
        record["exchange_items"] = list[JSON]([item_ids[0]])
        record["exchange_new_items"] = list[JSON]([item_ids[0]])  # same variant: a replacement for a faulty unit
        record["exchange_payment_method_id"] = method
        record["exchange_price_difference"] = 0.0
    elif status == "pending (item modified)":
        # A variant swap was paid or refunded on the original method, as tau2's modify tool does.
        delta = round(rng.uniform(-15, 15), 2)
        payments.append(
            {
                "transaction_type": "payment" if delta > 0 else "refund",
                "amount": abs(delta),
                "payment_method_id": method,
            }
        )
    record["created_at"] = created.isoformat().replace("+00:00", "Z")
    return record


def generate_demo_data(seed: int = DEMO_SEED, customers: int = 200, end: datetime = DEMO_END) -> ShopData:
    """The Harbor Goods demo shop; the same seed always gives byte-identical data."""
    rng = random.Random(seed)
    products = generate_catalogue(rng, 100)
    used: set[str] = set()
    users = _customers(rng, customers, used)
    user_list = list(users.values())
    product_list = list(products.values())
    plans: list[tuple[datetime, str]] = []
    for status, share, (lo, hi) in _STATUS_MIX:
        for _ in range(share):
            back = timedelta(days=rng.uniform(lo, hi), minutes=rng.randint(0, 1439))
            plans.append((end - back, status))
    plans.sort()  # map order = chronological, so a customer's orders list reads oldest first
    orders: dict[str, JSONObject] = {}
    for created, status in plans:
        order_id = _unique(rng, used, "#W", 7)
        user = rng.choice(user_list)
        orders[order_id] = _order(rng, order_id, user, status, created.replace(microsecond=0), product_list)
        order_ids = user["orders"]
        assert isinstance(order_ids, list)
        order_ids.append(order_id)
    return ShopData(products=products, users=users, orders=orders)
