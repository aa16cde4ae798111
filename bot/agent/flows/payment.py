"""Pay a pending order with another of the shopper's payment methods; a question about splitting the payment
is answered with the rule (an order is paid with one method), in the shop's own words where its pages say so."""

from __future__ import annotations

from bot.agent import tools
from bot.agent.answer import compose_answer
from bot.agent.flows.detect import choice
from bot.agent.flows.payment_words import SPLIT_RULE_WORDS, asks_split
from bot.agent.flows.refund import named_method, original_method, user_methods
from bot.agent.flows.state import FLOW, OFFER, PAYMENT, Turn
from bot.agent.flows.writes import WriteFlow
from bot.agent.replies import method_name, say
from bot.types import JSON, Order, Reply

NAME = "payment"
#: The question the flow asks; an ordinal answer ("the second one") picks from its list.
ASK_PAYMENT = "flow_ask_payment"


def _details(turn: Turn, order: Order | None) -> dict[str, JSON] | None:
    assert order is not None
    original = original_method(order)
    candidates = [m for m in user_methods(turn) if m.id != original]
    ids = [m.id for m in candidates]
    # This message first ("my gift card", "the visa ending 1118", "not the PayPal one"), then what was chosen
    # before, then the words of the request that started the flow.
    chosen = named_method(turn.text, candidates)
    if not chosen and turn.asked() == ASK_PAYMENT:
        index = choice(turn.text, len(candidates))
        chosen = ids[index] if index is not None else ""
    chosen = chosen or turn.memory.get(PAYMENT, "")
    for text in turn.detail_texts()[1:]:
        chosen = chosen or named_method(text, candidates)
    if chosen not in ids:
        if not candidates:
            turn.say("flow_refused", detail=say("no_other_payment_method", turn.lang))
            turn.end_flow()
            return None
        if len(candidates) == 1 and turn.asked() != ASK_PAYMENT:
            chosen = ids[0]  # the one other method: the statement before the yes names it
        else:
            lines = "\n".join(
                say("flow_method_line", turn.lang, n=n, method=method_name(m, turn.lang))
                for n, m in enumerate(candidates, start=1)
            )
            turn.ask(ASK_PAYMENT, methods=lines)
            return None
    turn.memory[PAYMENT] = chosen
    return {"order_id": order.order_id, "payment_method_id": chosen}


def _split_rule(turn: Turn) -> bool:
    """ "Can I pay partly with a gift card and partly with my card?": no, an order is paid with one method. Said in
    the words of the shop's page when it has the rule (cited), else in ours; changing the method is offered."""
    if not asks_split(turn.text):
        return False
    words = SPLIT_RULE_WORDS[turn.lang]
    with turn.stage("retrieval"):
        passages = tools.search_knowledge(turn.ctx, f"{words} {turn.text}", turn.lang, k=4, kind="policy")
    composed = compose_answer(words, passages, language=turn.lang)
    if composed is not None:
        gap = "" if turn.lang == "zh" else " "
        text = f"{say('flow_payment_split_no', turn.lang)}{gap}{composed.text}"
        turn.replies.append(Reply(text, citations=composed.citations))
    else:
        turn.say("flow_payment_split")
    if turn.memory.get(FLOW) != NAME:
        turn.say("flow_payment_split_offer")
        turn.memory[OFFER] = NAME  # "yes" / the order number goes on to change the order's method
    return True


PAYMENT_FLOW = WriteFlow(
    NAME,
    "modify_pending_order_payment",
    ("pending", "pending (item modified)"),
    _details,
    lambda o: "flow_wrong_status_pending_only",
    answers=_split_rule,
)
