"""The retail tool registry: names, JSON schemas for models, argument checking, and call_tool()."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from bot.agent.tools import catalogue, retail
from bot.agent.tools.calculate import CalculationError, calculate
from bot.agent.tools.context import ToolContext, safe_argument
from bot.agent.tools.retail import ToolError
from bot.errors import BackendError
from bot.types import JSON, Address, Customer, ToolCall

ToolKind = Literal["identity", "read", "write", "generic"]
BACKEND_DOWN = "The shop is not reachable right now"


class _Args:
    """A call's arguments, checked by type and name; problems raise ToolError with one sentence."""

    def __init__(self, arguments: Mapping[str, JSON], allowed: tuple[str, ...]) -> None:
        extra = sorted(set(arguments) - set(allowed))
        if extra:
            raise ToolError(f"unexpected argument '{extra[0]}'")
        self._args = arguments

    def text(self, name: str) -> str:
        if name not in self._args:
            raise ToolError(f"missing argument '{name}'")
        value = self._args[name]
        if not isinstance(value, str):
            raise ToolError(f"argument '{name}' must be a string")
        return value

    def optional_text(self, name: str) -> str | None:
        return None if self._args.get(name) is None else self.text(name)

    def texts(self, name: str) -> list[str]:
        if name not in self._args:
            raise ToolError(f"missing argument '{name}'")
        value = self._args[name]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ToolError(f"argument '{name}' must be a list of strings")
        return [str(v) for v in value]

    def optional_number(self, name: str) -> float | None:
        value = self._args.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ToolError(f"argument '{name}' must be a non-negative number")
        return float(value)

    def options(self, name: str) -> dict[str, str]:
        """An object of option name -> value ({"color": "blue"}); absent means no options asked."""
        value = self._args.get(name)
        if value is None:
            return {}
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise ToolError(f"argument '{name}' must be an object of option names to string values")
        return {str(k): str(v) for k, v in value.items()}

    def address(self) -> Address:
        return Address(*(self.text(k) for k in ("address1", "address2", "city", "state", "country", "zip")))


@dataclass(frozen=True)
class _Verified:
    """What an identity runner returns: the tool's result and the customer it verified."""

    result: JSON
    customer: Customer


Runner = Callable[[ToolContext, _Args, bool], "JSON | _Verified"]


@dataclass(frozen=True)
class ToolSpec:
    """One tool as a model sees it, plus how to run it."""

    name: str
    kind: ToolKind
    description: str
    parameters: dict[str, JSON]
    """JSON schema of the arguments a model may pass (never a customer id)."""
    run: Runner = field(repr=False)
    accepts: tuple[str, ...] = ()
    """Argument names accepted beyond the schema, for tau2 compatibility (checked, never trusted)."""

    def schema(self) -> dict[str, JSON]:
        """The OpenAI-style function schema."""
        return {
            "type": "function",
            "function": {"name": self.name, "description": self.description, "parameters": self.parameters},
        }


@dataclass(frozen=True)
class ToolOutcome:
    call: ToolCall
    customer: Customer | None = None
    """Set when this call verified the shopper (an identity tool succeeded)."""


def _schema(properties: dict[str, JSON], required: list[str] | None = None) -> dict[str, JSON]:
    req: list[JSON] = list(properties) if required is None else list(required)
    return {"type": "object", "properties": properties, "required": req, "additionalProperties": False}


_S: JSON = {"type": "string"}
_L: JSON = {"type": "array", "items": {"type": "string"}}
_ADDRESS: dict[str, JSON] = {k: _S for k in ("address1", "address2", "city", "state", "country", "zip")}
_ORDER: dict[str, JSON] = {
    "order_id": {"type": "string", "description": "Order id with the leading '#', e.g. #W0000000"}
}


def _identity(fn: Callable[..., tuple[str, Customer]], *names: str) -> Runner:
    def run(ctx: ToolContext, a: _Args, preview: bool) -> JSON | _Verified:
        user_id, customer = fn(ctx, *(a.text(n) for n in names))
        return _Verified(user_id, customer)

    return run


def _calculate(ctx: ToolContext, a: _Args, preview: bool) -> JSON:
    try:
        return calculate(a.text("expression"))
    except CalculationError as exc:
        raise ToolError(str(exc)) from None


def _user(c: ToolContext, a: _Args, p: bool) -> JSON:
    return retail.get_user_details(c, a.optional_text("user_id"))


def _order(c: ToolContext, a: _Args, p: bool) -> JSON:
    return retail.get_order_details(c, a.text("order_id"))


def _product(c: ToolContext, a: _Args, p: bool) -> JSON:
    return retail.get_product_details(c, a.text("product_id"))


def _item(c: ToolContext, a: _Args, p: bool) -> JSON:
    return retail.get_item_details(c, a.text("item_id"))


def _types(c: ToolContext, a: _Args, p: bool) -> JSON:
    return retail.list_all_product_types(c)


def _transfer(c: ToolContext, a: _Args, p: bool) -> JSON:
    return retail.transfer_to_human_agents(c, a.text("summary"))


def _cancel(c: ToolContext, a: _Args, p: bool) -> JSON:
    return retail.cancel_pending_order(c, a.text("order_id"), a.text("reason"), preview=p)


def _order_address(c: ToolContext, a: _Args, p: bool) -> JSON:
    return retail.modify_pending_order_address(c, a.text("order_id"), a.address(), preview=p)


def _payment(c: ToolContext, a: _Args, p: bool) -> JSON:
    return retail.modify_pending_order_payment(c, a.text("order_id"), a.text("payment_method_id"), preview=p)


def _items(c: ToolContext, a: _Args, p: bool) -> JSON:
    return retail.modify_pending_order_items(
        c, a.text("order_id"), a.texts("item_ids"), a.texts("new_item_ids"), a.text("payment_method_id"), preview=p
    )


def _user_address(c: ToolContext, a: _Args, p: bool) -> JSON:
    return retail.modify_user_address(c, a.address(), a.optional_text("user_id"), preview=p)


def _return(c: ToolContext, a: _Args, p: bool) -> JSON:
    return retail.return_delivered_order_items(
        c, a.text("order_id"), a.texts("item_ids"), a.text("payment_method_id"), preview=p
    )


def _exchange(c: ToolContext, a: _Args, p: bool) -> JSON:
    return retail.exchange_delivered_order_items(
        c, a.text("order_id"), a.texts("item_ids"), a.texts("new_item_ids"), a.text("payment_method_id"), preview=p
    )


def _search_products(c: ToolContext, a: _Args, p: bool) -> JSON:
    return catalogue.search_products(c, a.text("query"), a.optional_number("max_price"))


def _variant(c: ToolContext, a: _Args, p: bool) -> JSON:
    return catalogue.get_variant_details(c, a.text("product_id"), a.options("options"))


def _recommend(c: ToolContext, a: _Args, p: bool) -> JSON:
    return catalogue.recommend_products(c, a.text("query"), a.optional_number("max_price"))


_QUERY: JSON = {"type": "string", "description": "What the shopper is looking for, in their words (either language)"}
_MAX_PRICE: JSON = {"type": "number", "description": "Only products with a variant at or under this price"}
_OPTIONS: JSON = {
    "type": "object",
    "additionalProperties": {"type": "string"},
    "description": 'The options the shopper named, e.g. {"color": "blue", "size": "M"}',
}

_ITEMS: dict[str, JSON] = {**_ORDER, "item_ids": _L, "new_item_ids": _L, "payment_method_id": _S}
_REASON: JSON = {"type": "string", "enum": ["no longer needed", "ordered by mistake"]}

SPECS: tuple[ToolSpec, ...] = (
    ToolSpec(
        "find_user_id_by_email",
        "identity",
        "Find and verify the customer by their email.",
        _schema({"email": _S}),
        _identity(retail.find_user_id_by_email, "email"),
    ),
    ToolSpec(
        "find_user_id_by_name_zip",
        "identity",
        "Find and verify the customer by first name, last name and zip code.",
        _schema({"first_name": _S, "last_name": _S, "zip": _S}),
        _identity(retail.find_user_id_by_name_zip, "first_name", "last_name", "zip"),
    ),
    ToolSpec(
        "get_user_details",
        "read",
        "The verified customer's profile: address, email, payment methods, orders.",
        _schema({}),
        _user,
        ("user_id",),
    ),
    ToolSpec(
        "get_order_details",
        "read",
        "One of the verified customer's orders: status, items, fulfillments, payments.",
        _schema(_ORDER),
        _order,
    ),
    ToolSpec(
        "get_product_details",
        "read",
        "A product and all its variants (options, availability, price).",
        _schema({"product_id": _S}),
        _product,
    ),
    ToolSpec(
        "get_item_details",
        "read",
        "One variant by item id (options, availability, price).",
        _schema({"item_id": _S}),
        _item,
    ),
    ToolSpec("list_all_product_types", "read", "Every product name with its product id.", _schema({}), _types),
    ToolSpec(
        "search_products",
        "read",
        "Find products by a loose name or description in English or Chinese: price range, options on offer, "
        "stock, description. An empty list means the shop does not sell it.",
        _schema({"query": _QUERY, "max_price": _MAX_PRICE}, ["query"]),
        _search_products,
    ),
    ToolSpec(
        "get_variant_details",
        "read",
        "The variant of a product closest to the options named: its price and whether it is in stock now; "
        "when not, the closest variants in stock.",
        _schema({"product_id": _S, "options": _OPTIONS}, ["product_id"]),
        _variant,
    ),
    ToolSpec(
        "recommend_products",
        "read",
        "In-stock products for a need or a gift (optionally under a price), each with a reason from its own data.",
        _schema({"query": _QUERY, "max_price": _MAX_PRICE}, ["query"]),
        _recommend,
    ),
    ToolSpec(
        "calculate",
        "generic",
        "Evaluate an arithmetic expression; the result is rounded to the cent.",
        _schema({"expression": _S}),
        _calculate,
    ),
    ToolSpec(
        "transfer_to_human_agents",
        "generic",
        "Hand the conversation to a human agent with a summary of the request.",
        _schema({"summary": _S}),
        _transfer,
    ),
    ToolSpec(
        "cancel_pending_order",
        "write",
        "Cancel a pending order for one of two reasons.",
        _schema({**_ORDER, "reason": _REASON}),
        _cancel,
    ),
    ToolSpec(
        "modify_pending_order_address",
        "write",
        "Change the shipping address of a pending order.",
        _schema({**_ORDER, **_ADDRESS}),
        _order_address,
    ),
    ToolSpec(
        "modify_pending_order_payment",
        "write",
        "Pay a pending order with another of the customer's payment methods.",
        _schema({**_ORDER, "payment_method_id": _S}),
        _payment,
    ),
    ToolSpec(
        "modify_pending_order_items",
        "write",
        "Swap items of a pending order for other variants of the same products (once per order).",
        _schema(_ITEMS),
        _items,
    ),
    ToolSpec(
        "modify_user_address",
        "write",
        "Change the verified customer's default address.",
        _schema(_ADDRESS),
        _user_address,
        ("user_id",),
    ),
    ToolSpec(
        "return_delivered_order_items",
        "write",
        "Request a return of items of a delivered order, refunded to the original payment method or a gift card.",
        _schema({**_ORDER, "item_ids": _L, "payment_method_id": _S}),
        _return,
    ),
    ToolSpec(
        "exchange_delivered_order_items",
        "write",
        "Request an exchange of items of a delivered order for other variants of the same products.",
        _schema(_ITEMS),
        _exchange,
    ),
)

TOOLS: dict[str, ToolSpec] = {spec.name: spec for spec in SPECS}
WRITE_TOOLS = frozenset(s.name for s in SPECS if s.kind == "write")


def _trace_arguments(arguments: Mapping[str, JSON]) -> dict[str, JSON]:
    return {k: safe_argument(v, k) if isinstance(v, str) else v for k, v in arguments.items()}


def call_tool(ctx: ToolContext, name: str, arguments: Mapping[str, JSON], *, preview: bool = False) -> ToolOutcome:
    """Run one tool call and record it. Write tools run only through bot.agent.tools.confirm
    (which passes preview=True first); calling one here directly executes it at once."""
    spec = TOOLS.get(name)
    customer: Customer | None = None
    try:
        if spec is None:
            raise ToolError(f"Tool '{name}' not found.")
        args = _Args(arguments, (*_property_names(spec), *spec.accepts))
        value = spec.run(ctx, args, preview)
        if isinstance(value, _Verified):
            result, customer = value.result, value.customer
        else:
            result = value
        ok = True
    except ToolError as exc:
        result, ok = str(exc), False
    except BackendError:
        # Never a traceback and never a false success: the engine offers a human.
        result, ok = BACKEND_DOWN, False
    call = ToolCall(name=name, arguments=_trace_arguments(arguments), ok=ok, result=result)
    if not preview:
        ctx.calls.append(call)
    return ToolOutcome(call=call, customer=customer)


def _property_names(spec: ToolSpec) -> tuple[str, ...]:
    properties = spec.parameters.get("properties")
    return tuple(properties) if isinstance(properties, dict) else ()
