"""In-chat proof of identity, shared by every flow: an order number plus the email or zip code on it."""

from __future__ import annotations

from bot.agent import tools
from bot.agent.flows.state import EMAIL, ORDER_ID, Turn
from bot.types import Customer


def take_proof(turn: Turn) -> None:
    """Keep the order number and the email (or the order's zip code) this message gives."""
    slots, memory = turn.u.slots, turn.memory
    if "order_id" in slots:
        memory[ORDER_ID] = slots["order_id"]
    if "email" in slots:
        memory[EMAIL] = slots["email"]
    elif "zip" in slots and (slots.get("order_id") or memory.get(ORDER_ID)):
        # The zip code the order ships to is proof too (kept in the same slot as an email).
        memory[EMAIL] = slots["zip"]


def verify(turn: Turn, ask_both: str, ask_proof: str, **values: str) -> Customer | None:
    """The verified shopper, verifying them now when this message completes the proof; otherwise
    asks for what is missing (ask_both / ask_proof / ask_order_id) and returns None."""
    take_proof(turn)
    if turn.verified is not None:
        turn.memory.pop(EMAIL, None)
        return turn.verified
    memory = turn.memory
    order_id, proof = memory.get(ORDER_ID), memory.get(EMAIL)
    if not order_id and not proof:
        turn.ask(ask_both, **values)
        return None
    if not proof:
        turn.ask(ask_proof, order_id=order_id, **values)
        return None
    if not order_id:
        turn.ask("ask_order_id")
        return None
    turn.consumed = True
    with turn.stage("tools"):
        customer = tools.verify_order_owner(turn.ctx, order_id, proof)
    if customer is None:
        # Forget both so the retry is judged on what the shopper sends next.
        for key in (ORDER_ID, EMAIL):
            memory.pop(key, None)
        turn.failed()
        turn.say("verify_failed")
        return None
    turn.customer = customer
    memory.pop(EMAIL, None)
    return customer
