"""The shopper suite's cases: hand-written ones from eval/data/shopper_*.json, the rest generated from the shop.

A case is one conversation: its turns, and for each turn that is judged what the reply must hold
(`Check`). Generated cases read the shop through its backends (products, variants, prices, stock,
orders, tracking numbers), so the same suite runs on the demo shop and on any tau2-format shop.
Every choice is made by one seeded `random.Random`, so a run is repeatable.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal, Mapping, Protocol, Sequence

from bot.types import Order, Product, ShopUser, Variant
from connectors.commerce.option_names import option_zh

DATA_DIR = Path(__file__).parent / "data"
SEED = 16
CATEGORIES = (
    "product_facts",
    "variant_stock",
    "comparisons",
    "do_you_sell",
    "recommendations",
    "policy_facts",
    "policy_yes_no",
    "follow_ups",
    "handoff",
)
YesNo = Literal["yes", "no"]
Lang = Literal["en", "zh"]

_SLOT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Check:
    """What one reply must hold. Every field left at its default is not checked."""

    groups: tuple[tuple[str, ...], ...] = ()
    """Each group needs one of its strings in the reply (text, product card names and ids)."""
    yes_no: YesNo | None = None
    """The answer the reply must lead with."""
    not_answer: YesNo | None = None
    """An answer the reply must not lead with ("do you sell X?" is answered by X's price as well as by a yes)."""
    max_price: float | None = None
    """Every product card must be in stock and priced at most this."""
    nobody_available: bool = False
    """The reply says no person can answer now and offers to take a message."""
    state: str | None = "bot"
    """The conversation's state after the turn (a shopper is never left waiting on nobody)."""
    forbid: tuple[str, ...] = ()
    """Strings the reply must not contain."""


@dataclass(frozen=True)
class Turn:
    text: str
    check: Check | None = None
    """None: the turn only sets up the thread (verification, a product named) and is not judged."""


@dataclass(frozen=True)
class Case:
    id: str
    category: str
    language: Lang
    turns: tuple[Turn, ...]
    generated: bool = False
    shops: tuple[str, ...] = ("any",)
    """"any", or "demo" for cases about the demo shop's own policy pages."""


class Shop(Protocol):
    """The read side of a shop the generators need (SqliteShop satisfies it)."""

    def list_products(self) -> list[Product]: ...

    def get_product(self, product_id: str) -> Product | None: ...

    def get_user(self, user_id: str) -> ShopUser | None: ...

    def orders_with_status(self, status: str, limit: int = 1) -> list[Order]: ...


@dataclass
class _Gen:
    """One generation run: the shop, the seeded choices, the cases made so far."""

    rng: random.Random
    products: list[Product]
    cases: list[Case] = field(default_factory=list)

    def add(self, category: str, language: Lang, *turns: Turn, generated: bool = True) -> None:
        number = sum(1 for c in self.cases if c.category == category) + 1
        prefix = "gen" if generated else "list"
        self.cases.append(Case(f"{prefix}-{category}-{number:03d}", category, language, turns, generated=generated))

    def pick(self, count: int, pool: Sequence[Product] | None = None) -> list[Product]:
        chosen = list(pool if pool is not None else self.products)
        return self.rng.sample(chosen, min(count, len(chosen)))


# --------------------------------------------------------------------------- small helpers


def price_text(price: float) -> tuple[str, ...]:
    """The ways a reply may write a price: 21.60, 21.6; 30.00 and 30."""
    exact = f"{price:.2f}"
    forms = {exact, exact.rstrip("0").rstrip(".")}
    return tuple(sorted(forms))


def names(product: Product) -> tuple[str, ...]:
    """How a reply may name the product: its names in either language or its id (in a card)."""
    return tuple(n for n in (product.name, product.name_zh, product.product_id) if n)


def zh_name(product: Product) -> str:
    return product.name_zh or product.name


def options_en(variant: Variant) -> str:
    return ", ".join(variant.options.values())


def options_zh(variant: Variant) -> str:
    """Options as a Chinese shopper writes them: the shop's own Chinese names for its values (白色, 特大)."""
    return "、".join(option_zh(v) for v in variant.options.values())


#: Colours a Chinese reply may name in Chinese where the shop has no Chinese name for them (the tau2 shop).
_COLOURS_ZH = {
    "green": "绿色", "red": "红色", "blue": "蓝色", "black": "黑色", "white": "白色", "silver": "银色",
    "yellow": "黄色", "pink": "粉色", "brown": "棕色", "gold": "金色", "purple": "紫色", "orange": "橙色",
    "grey": "灰色", "gray": "灰色", "beige": "米色",
}  # fmt: skip


def value_forms(value: str) -> tuple[str, ...]:
    """How a reply may write an option value: as the catalogue spells it, by the shop's Chinese name, or
    for a plain colour by its Chinese word."""
    return tuple(dict.fromkeys((value, option_zh(value), _COLOURS_ZH.get(value.lower(), value))))


def in_stock(product: Product) -> list[Variant]:
    return [v for v in product.variants if v.available]


def lowest(product: Product) -> float:
    """The product's "from" price: its cheapest variant in stock, or its cheapest at all."""
    pool = in_stock(product) or list(product.variants)
    return min(v.price for v in pool)


def stock_check(variant: Variant) -> Check:
    """Whether that exact variant is in stock; a yes states its price too.

    A product-wide "7 of 8 options in stock" answers nothing about the variant asked."""
    if variant.available:
        return Check(yes_no="yes", groups=(price_text(variant.price),))
    return Check(yes_no="no")


def _round_up(price: float) -> float:
    """The budget a shopper would name just above a price: 27.4 -> 30, 117 -> 120, 4.2 -> 5."""
    step = 5 if price < 100 else 10 if price < 500 else 50
    return float((int(price) // step + 1) * step)


def _lang(number: int) -> Lang:
    return "zh" if number % 2 else "en"


def _say(rng: random.Random, forms: Sequence[str], **values: str) -> str:
    return rng.choice(list(forms)).format(**values)


# --------------------------------------------------------------------------- generators


_PRICE_QUESTIONS: dict[Lang, tuple[str, ...]] = {
    "en": (
        "how much is the {name} in {opts}?",
        "price of {name} ({opts})?",
        "hi, whats the price for the {name}, {opts}",
    ),
    "zh": ("{name}（{opts}）多少钱？", "请问{name} {opts} 这款什么价格", "{name}{opts}的卖多少"),
}
_STOCK_QUESTIONS: dict[Lang, tuple[str, ...]] = {
    "en": ("is the {name} in {opts} in stock?", "do u have the {name} {opts} available", "{name}, {opts} - in stock?"),
    "zh": ("{name}（{opts}）有货吗？", "{name} {opts} 还有库存吗", "请问{name}{opts}现在能买到吗"),
}
"""How shoppers ask about one variant, per language: {name} and {opts} are filled in as that language writes them."""


def _ask_about_variant(
    gen: _Gen, lang: Lang, product: Product, variant: Variant, forms: Mapping[Lang, Sequence[str]]
) -> str:
    """A shopper's question naming one variant, in one of the forms for that language."""
    if lang == "en":
        return _say(gen.rng, forms["en"], name=product.name.lower(), opts=options_en(variant))
    return _say(gen.rng, forms["zh"], name=zh_name(product), opts=options_zh(variant))


def _product_facts(gen: _Gen, count: int) -> None:
    for number, product in enumerate(gen.pick(count)):
        lang = _lang(number)
        variant = gen.rng.choice(list(product.variants))
        if number % 4 == 3 and lang == "en":
            key = gen.rng.choice(sorted(variant.options))
            values = sorted({v.options[key] for v in product.variants if key in v.options})
            text = _say(
                gen.rng,
                ("what {key} options does the {name} come in?", "which {key}s r there for {name}"),
                key=key,
                name=product.name.lower(),
            )
            gen.add("product_facts", lang, Turn(text, Check(groups=tuple((v,) for v in values))))
            continue
        text = _ask_about_variant(gen, lang, product, variant, _PRICE_QUESTIONS)
        gen.add("product_facts", lang, Turn(text, Check(groups=(price_text(variant.price),))))


def _variant_stock(gen: _Gen, count: int) -> None:
    mixed = [p for p in gen.products if in_stock(p) and len(in_stock(p)) < len(p.variants)]
    for number, product in enumerate(gen.pick(count, mixed or gen.products)):
        lang = _lang(number)
        wanted_out = number % 3 != 0
        pool = [v for v in product.variants if v.available != wanted_out] or list(product.variants)
        variant = gen.rng.choice(pool)
        text = _ask_about_variant(gen, lang, product, variant, _STOCK_QUESTIONS)
        gen.add("variant_stock", lang, Turn(text, stock_check(variant)))


def _comparisons(gen: _Gen, count: int) -> None:
    multi = [p for p in gen.products if len(in_stock(p)) >= 2]
    for number in range(count):
        lang = _lang(number)
        kind = number % 3
        if kind == 0 and multi:
            product = gen.rng.choice(multi)
            cheapest = min(v.price for v in in_stock(product))
            text = (
                f"what's the cheapest {product.name.lower()} option?"
                if lang == "en"
                else f"{zh_name(product)}最便宜的是哪一款？"
            )
            # The shopper wants to know which option: its price alone may be the low end of a range.
            options = tuple(v for v in in_stock(product) if v.price == cheapest)[0].options.values()
            groups = (price_text(cheapest), *(value_forms(value) for value in options))
            gen.add("comparisons", lang, Turn(text, Check(groups=groups)))
        elif kind == 1:
            first, second = gen.pick(2)
            if lowest(first) == lowest(second):
                continue
            cheaper = min((first, second), key=lowest)
            text = (
                f"which is cheaper, the {first.name.lower()} or the {second.name.lower()}?"
                if lang == "en"
                else f"{zh_name(first)}和{zh_name(second)}哪个便宜？"
            )
            verdict = ("cheaper", "less expensive", "lower price", "costs less", "便宜", "更低", "实惠", "价格低")
            groups = (names(cheaper), price_text(lowest(cheaper)), verdict)
            gen.add("comparisons", lang, Turn(text, Check(groups=groups)))
        else:
            product = gen.rng.choice(multi or gen.products)
            prices = sorted(v.price for v in in_stock(product))
            limit = float(int(prices[len(prices) // 2]) + 1)
            fitting = [v for v in in_stock(product) if v.price <= limit]
            under = [v.price for v in fitting]
            said = {form for v in fitting for value in v.options.values() for form in value_forms(value)}
            values = tuple(sorted(said))
            text = (
                f"any {product.name.lower()} under ${limit:g}?"
                if lang == "en"
                else f"有没有{limit:g}美元以下的{zh_name(product)}？"
            )
            groups = (tuple(t for p in under for t in price_text(p)), values)
            gen.add("comparisons", lang, Turn(text, Check(groups=groups, max_price=limit)))


def _do_you_sell(gen: _Gen, count: int, absent: Sequence[tuple[str, str]]) -> None:
    for number, product in enumerate(gen.pick(count)):
        lang = _lang(number)
        text = (
            _say(gen.rng, ("do you sell the {name}?", "do u guys have {name}s"), name=product.name.lower())
            if lang == "en"
            else f"你们卖{zh_name(product)}吗？"
        )
        gen.add("do_you_sell", lang, Turn(text, Check(not_answer="no", groups=(names(product),))))
    sold = " ".join(p.name.lower() for p in gen.products)
    # A plain no, then the nearest things the shop does sell; "no answer in our help pages" is no answer.
    nearest = tuple(n for p in gen.products for n in names(p))
    dead_ends = ("help pages", "rephrase", "帮助文档", "换个说法")
    for number, (en, zh) in enumerate(absent):
        if any(word in sold for word in en.lower().split() if len(word) > 3):
            continue
        lang = _lang(number)
        text = f"do you sell {en}?" if lang == "en" else f"你们有卖{zh}吗？"
        gen.add(
            "do_you_sell", lang, Turn(text, Check(yes_no="no", groups=(nearest,), forbid=dead_ends)), generated=False
        )


def _recommendations(gen: _Gen, count: int) -> None:
    stocked = [p for p in gen.products if in_stock(p)]
    by_category: dict[str, list[Product]] = {}
    for product in stocked:
        by_category.setdefault(product.category, []).append(product)
    for number in range(count):
        lang = _lang(number)
        category = gen.rng.choice(sorted(c for c in by_category if c)) if any(by_category) and number % 2 else ""
        pool = by_category[category] if category else stocked
        prices = sorted(lowest(p) for p in pool)
        limit = _round_up(prices[len(prices) // 4])
        fitting = [p for p in pool if lowest(p) <= limit]
        if category:
            text = (
                f"can you recommend something from {category.lower()} under ${limit:g}?"
                if lang == "en"
                else f"推荐一下{limit:g}美元以内的{category}类商品"
            )
        elif number % 4 == 0:
            text = (
                f"looking for a gift under ${limit:g}, any ideas?"
                if lang == "en"
                else f"想买个{limit:g}美元以内的礼物，有推荐吗？"
            )
        else:
            text = (
                f"recommend me something under {limit:g} dollars"
                if lang == "en"
                else f"有什么{limit:g}块钱以内的好东西推荐吗"
            )
        groups = (tuple(n for p in fitting for n in names(p)),)
        gen.add("recommendations", lang, Turn(text, Check(groups=groups, max_price=limit)))


def _order_follow_ups(gen: _Gen, shop: Shop, count: int) -> None:
    orders = [o for status in ("processed", "delivered", "pending") for o in shop.orders_with_status(status, limit=40)]
    orders.sort(key=lambda o: o.order_id)
    for number, order in enumerate(gen.rng.sample(orders, min(count, len(orders)))):
        user = shop.get_user(order.user_id)
        if user is None or not user.email:
            continue
        lang = _lang(number)
        opening = (
            f"hi, where's my order {order.order_id}? my email is {user.email}"
            if lang == "en"
            else f"你好，我的订单{order.order_id}到哪了？邮箱是{user.email}"
        )
        tracking = [t for f in order.fulfillments for t in f.tracking_ids]
        if tracking and number % 3 != 2:
            text = "ok and what's the tracking number?" if lang == "en" else "那快递单号是多少？"
            check = Check(groups=(tuple(tracking),))
        else:
            item = order.items[0]
            product = shop.get_product(item.product_id)
            said = (item.name, *(names(product) if product else ()))
            text = "what was in that order again?" if lang == "en" else "这个订单里买了什么？"
            check = Check(groups=(said,))
        gen.add("follow_ups", lang, Turn(opening), Turn(text, check))


def _product_follow_ups(gen: _Gen, count: int) -> None:
    multi = [p for p in gen.products if len(p.variants) >= 2]
    for number, product in enumerate(gen.pick(count, multi)):
        lang = _lang(number)
        variant = gen.rng.choice(list(product.variants))
        opening = f"tell me about the {product.name.lower()}" if lang == "en" else f"介绍一下{zh_name(product)}"
        if number % 2:
            text = f"is it in stock in {options_en(variant)}?" if lang == "en" else f"{options_zh(variant)}的有货吗？"
            check = stock_check(variant)
        else:
            text = f"how much is it in {options_en(variant)}?" if lang == "en" else f"{options_zh(variant)}的多少钱？"
            check = Check(groups=(price_text(variant.price),))
        gen.add("follow_ups", lang, Turn(opening), Turn(text, check))


def generate(shop: Shop, absent: Sequence[tuple[str, str]], scale: float = 1.0, seed: int = SEED) -> list[Case]:
    """The generated cases for this shop; `scale` > 1 makes more where no hand-written policy cases apply."""
    gen = _Gen(random.Random(seed), sorted(shop.list_products(), key=lambda p: p.product_id))
    if not gen.products:
        return []

    def n(base: int) -> int:
        return round(base * scale)

    _product_facts(gen, n(50))
    _variant_stock(gen, n(50))
    _comparisons(gen, n(40))
    _do_you_sell(gen, n(20), absent)
    _recommendations(gen, n(25))
    _order_follow_ups(gen, shop, n(25))
    _product_follow_ups(gen, n(12))
    return gen.cases


# --------------------------------------------------------------------------- hand-written cases


def _check(raw: dict[str, object]) -> Check:
    groups = raw.get("facts", [])
    forbid = raw.get("forbid", [])
    assert isinstance(groups, list) and isinstance(forbid, list)
    yes_no = raw.get("answer")
    return Check(
        groups=tuple(tuple(str(s) for s in g) for g in groups),
        yes_no="yes" if yes_no == "yes" else "no" if yes_no == "no" else None,
        nobody_available=bool(raw.get("nobody_available", False)),
        forbid=tuple(str(s) for s in forbid),
    )


def load_written(folder: Path = DATA_DIR) -> list[Case]:
    """Every case of eval/data/shopper_*.json (their ids must be unique)."""
    cases: list[Case] = []
    for path in sorted(folder.glob("shopper_*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        for item in raw.get("cases", []):
            turns = item.get("turns") or [{"text": item["question"], **item}]
            cases.append(
                Case(
                    id=item["id"],
                    category=item["category"],
                    language="zh" if item["language"] == "zh" else "en",
                    turns=tuple(Turn(t["text"], _check(t) if t.get("judge", True) else None) for t in turns),
                    shops=tuple(item.get("shops", ["any"])),
                )
            )
    ids = [c.id for c in cases]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"duplicate shopper case ids: {duplicates}")
    return cases


def absent_products(folder: Path = DATA_DIR) -> list[tuple[str, str]]:
    """Things a home-goods shop or a tau2 shop is unlikely to sell (en, zh); filtered against the shop."""
    raw = json.loads((folder / "shopper_absent.json").read_text(encoding="utf-8"))
    return [(str(a["en"]), str(a["zh"])) for a in raw["absent"]]


def fill_product(case: Case, product: Product) -> Case:
    """A hand-written case may name "{product}" / "{price}": filled from one product of the shop."""
    variant = min(product.variants, key=lambda v: v.price)
    values = {
        "product": product.name.lower(),
        "product_zh": zh_name(product),
        "opts": options_en(variant),
        "opts_zh": options_zh(variant),
    }

    def sub(text: str) -> str:
        return _SLOT.sub(lambda m: values.get(m.group(1), m.group(0)), text)

    turns = []
    for turn in case.turns:
        check = turn.check
        if check is not None:
            groups = tuple(
                price_text(variant.price) if g == ("{price}",) else tuple(sub(s) for s in g) for g in check.groups
            )
            check = replace(check, groups=groups)
        turns.append(Turn(sub(turn.text), check))
    return replace(case, turns=tuple(turns))


def all_cases(shop: Shop, demo_shop: bool, seed: int = SEED) -> list[Case]:
    """The cases for one shop: written ones that apply to it, then the generated ones."""
    rng = random.Random(seed)
    products = sorted(shop.list_products(), key=lambda p: p.product_id)
    written = [c for c in load_written() if "any" in c.shops or (demo_shop and "demo" in c.shops)]
    if products:
        written = [fill_product(c, rng.choice(products)) for c in written]
    # The demo shop has its hand-written cases beside the generated ones (held-out sets included): more are
    # generated so that at least half the suite still comes from the shop's data.
    scale = 1.25 if demo_shop else 1.45
    return written + generate(shop, absent_products(), scale=scale, seed=seed)


def held_out(case: Case) -> bool:
    """A case of a held-out set (eval/data/shopper_holdout*.json): written blind, without reading the engine,
    to measure it; never in the CI slice, so nobody tunes the engine against it by accident."""
    return case.id.startswith("hold")


def smoke_slice(cases: Sequence[Case], size: int = 60, seed: int = SEED) -> list[Case]:
    """A fixed, seeded subset with every category in proportion (at least 3 of each); no held-out case."""
    rng = random.Random(seed)
    cases = [c for c in cases if not held_out(c)]
    chosen: list[Case] = []
    for category in CATEGORIES:
        pool = [c for c in cases if c.category == category]
        share = max(3, round(size * len(pool) / max(1, len(cases))))
        chosen += rng.sample(pool, min(share, len(pool)))
    return chosen
