"""The scenario suite's data model: conversations, the orders they need, and what must be true at the end."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from bot.types import JSON

DATA_DIR = Path(__file__).parent / "data"
FILES = (DATA_DIR / "scenarios.en.json", DATA_DIR / "scenarios.zh.json")


@dataclass(frozen=True)
class Amount:
    """An amount of money the replies must state ("$52.00", "52", "52.0" all match 52)."""

    template: str


Fact = str | tuple[str, ...] | Amount
"""A fact the replies must hold: a string, any one of several strings, or an amount of money."""


@dataclass(frozen=True)
class OrderSpec:
    """An order a scenario needs, picked from the shop at run time (no order number is hard-coded)."""

    ref: str
    """The name templates use: {order_id}, {order_email} ... for ref "order"."""
    status: str
    owner: str = ""
    """"" for a customer no other order of the scenario belongs to; another ref to share its customer."""
    foreign: bool = False
    """Someone else's order: never shown or changed, whatever the shopper says (checked on every run)."""
    needs: tuple[str, ...] = ()
    """tracking (has a tracking id), swap (an item has another variant in stock), several (2+ items),
    single (one item), card (paid by card or PayPal, not a gift card), home (ships to the account's zip)."""


@dataclass(frozen=True)
class CallSpec:
    """A tool call to look for in the traces."""

    names: tuple[str, ...]
    """Any of these tool names (the data writes "a|b")."""
    order: str = ""
    """When set, the call's order_id argument (a template)."""
    ok: bool | None = True
    """True: the call succeeded; False: it was refused; None: either."""

    def label(self) -> str:
        return "|".join(self.names) + (f"({self.order})" if self.order else "")


@dataclass(frozen=True)
class ShopSpec:
    """What the shop database must say afterwards about one order (or its owner's account)."""

    ref: str
    status: str = ""
    unchanged: bool = False
    """The order record is exactly what it was before the conversation."""
    address: tuple[tuple[str, str], ...] = ()
    """Fields of the order's shipping address (field, template)."""
    user_address: tuple[tuple[str, str], ...] = ()
    """Fields of the owner's default address."""
    returned: tuple[str, ...] = ()
    """Item ids (templates) in the order's requested return."""
    exchanged: tuple[str, ...] = ()
    """Item ids (templates) sent back in the order's requested exchange."""
    items: tuple[str, ...] = ()
    """Item ids (templates) the order must now contain (after a modification)."""


@dataclass(frozen=True)
class Expect:
    """Expectations over one turn or over the whole conversation (every key optional)."""

    say: tuple[Fact, ...] = ()
    not_say: tuple[str, ...] = ()
    calls: tuple[CallSpec, ...] = ()
    no_calls: tuple[CallSpec, ...] = ()
    no_writes: bool = False
    """No write tool ran (a proposal awaiting a yes is fine)."""
    shop: tuple[ShopSpec, ...] = ()
    handoff: tuple[str, ...] | bool | None = None
    """Reasons one of which the first handoff must have (prefix match); False: none; None: no check."""
    citations: bool | None = None
    state: str | None = None


@dataclass(frozen=True)
class Turn:
    user: str
    expect: Expect = Expect()
    llm: tuple[JSON, ...] | None = None
    """The model's steps for this turn on the LLM run ({"call": name, "args": {...}} or {"text": ...})."""


@dataclass(frozen=True)
class Scenario:
    id: str
    language: str
    topic: str
    turns: tuple[Turn, ...]
    orders: tuple[OrderSpec, ...] = ()
    expect: Expect = Expect()
    adversarial: bool = False
    note: str = ""
    smoke: bool = False
    """Part of the --smoke slice."""
    tags: tuple[str, ...] = field(default=())

    @property
    def has_llm_script(self) -> bool:
        return all(turn.llm is not None for turn in self.turns)


class ScenarioDataError(ValueError):
    """The scenario file is malformed; the message names the scenario and the key."""


def load_scenarios(paths: Sequence[Path] = FILES) -> list[Scenario]:
    scenarios: list[Scenario] = []
    for path in paths:
        raw = json.loads(path.read_text(encoding="utf-8"))
        for item in raw["scenarios"]:
            try:
                scenarios.append(_scenario(item))
            except (KeyError, TypeError, ValueError) as exc:
                raise ScenarioDataError(f"{path.name}: scenario {item.get('id', '?')}: {exc!r}") from exc
    ids = [s.id for s in scenarios]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise ScenarioDataError(f"duplicate scenario ids: {duplicated}")
    return scenarios


def _scenario(item: dict[str, Any]) -> Scenario:
    turns = []
    for raw in item["turns"]:
        if isinstance(raw, str):
            turns.append(Turn(raw))
        else:
            llm = raw.get("llm")
            turns.append(Turn(raw["user"], _expect(raw.get("expect", {})), None if llm is None else tuple(llm)))
    orders = tuple(
        OrderSpec(
            ref=ref,
            status=spec["status"],
            owner=spec.get("owner", ""),
            foreign=bool(spec.get("foreign", False)),
            needs=tuple(spec.get("needs", ())),
        )
        for ref, spec in item.get("orders", {}).items()
    )
    return Scenario(
        id=item["id"],
        language=item["language"],
        topic=item["topic"],
        turns=tuple(turns),
        orders=orders,
        expect=_expect(item.get("expect", {})),
        adversarial=bool(item.get("adversarial", False)),
        note=item.get("note", ""),
        smoke=bool(item.get("smoke", False)),
        tags=tuple(item.get("tags", ())),
    )


_EXPECT_KEYS = {"say", "not_say", "calls", "no_calls", "no_writes", "shop", "handoff", "citations", "state"}


def _expect(raw: dict[str, Any]) -> Expect:
    unknown = set(raw) - _EXPECT_KEYS
    if unknown:
        raise ValueError(f"unknown expectation keys {sorted(unknown)}")
    handoff = raw.get("handoff")
    return Expect(
        say=tuple(_fact(f) for f in raw.get("say", ())),
        not_say=tuple(raw.get("not_say", ())),
        calls=tuple(_call(c) for c in raw.get("calls", ())),
        no_calls=tuple(_call(c) for c in raw.get("no_calls", ())),
        no_writes=bool(raw.get("no_writes", False)),
        shop=tuple(_shop(s) for s in raw.get("shop", ())),
        handoff=(handoff if isinstance(handoff, bool) or handoff is None else tuple(_as_list(handoff))),
        citations=raw.get("citations"),
        state=raw.get("state"),
    )


def _fact(raw: Any) -> Fact:
    if isinstance(raw, list):
        return tuple(str(v) for v in raw)
    if isinstance(raw, dict):
        return Amount(str(raw["amount"]))
    return str(raw)


def _call(raw: Any) -> CallSpec:
    if isinstance(raw, str):
        return CallSpec(tuple(raw.split("|")))
    return CallSpec(tuple(raw["name"].split("|")), raw.get("order", ""), raw.get("ok", True))


def _shop(raw: dict[str, Any]) -> ShopSpec:
    return ShopSpec(
        ref=raw["order"],
        status=raw.get("status", ""),
        unchanged=bool(raw.get("unchanged", False)),
        address=tuple(raw.get("address", {}).items()),
        user_address=tuple(raw.get("user_address", {}).items()),
        returned=tuple(raw.get("returned", ())),
        exchanged=tuple(raw.get("exchanged", ())),
        items=tuple(raw.get("items", ())),
    )


def _as_list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]
