"""Agent assist: what the bot would answer to the shopper's last message, computed without side effects."""

from __future__ import annotations

from dataclasses import replace

from bot.agent.turn import HISTORY_TURNS, TurnHandler
from bot.errors import NotFound
from bot.ports import ConversationStore

CANNED: dict[str, tuple[str, ...]] = {
    "en": (
        "Hi, this is {agent} from the shop team. I'm reading your conversation now.",
        "Thanks for your patience. Let me check that for you.",
        "I'm sorry about the trouble. I'll sort this out for you.",
        "Could you tell me your order number and the email on the order?",
        "Is there anything else I can help you with?",
        "I'm handing you back to our assistant now. Have a great day!",
    ),
    "zh": (
        "您好，我是客服 {agent}，正在查看您的对话。",
        "感谢您的耐心等待，我这就为您查询。",
        "非常抱歉给您带来不便，我会尽快为您处理。",
        "请提供您的订单号以及下单时使用的邮箱。",
        "请问还有其他可以帮您的吗？",
        "现在为您转回智能助手，祝您生活愉快！",
    ),
}

#: Dialogue-state keys that would let a suggestion carry out a pending write action.
_UNSAFE_MEMORY = ("confirm", "pending")


def canned_responses(locale: str, agent: str) -> list[str]:
    return [text.format(agent=agent) for text in CANNED["zh" if locale == "zh" else "en"]]


def suggest_replies(turns: TurnHandler, store: ConversationStore, conversation_id: str) -> list[str]:
    """The engine's reply to the last shopper message, on a copy of the conversation.

    Nothing is stored or published, and dialogue-state keys for a pending confirmation are
    dropped first, so a suggestion can never carry out a write action the shopper confirmed.
    """
    conversation = store.get(conversation_id)
    if conversation is None:
        raise NotFound(f"conversation {conversation_id} not found")
    history = store.messages(conversation_id)[-HISTORY_TURNS:]
    asked = [i for i, m in enumerate(history) if m.role == "shopper"]
    if not asked:
        return []
    last = history[asked[-1]]
    scrubbed, vault = turns.scrubber.scrub(last.text, dict(conversation.vault))
    memory = {k: v for k, v in conversation.memory.items() if not any(word in k for word in _UNSAFE_MEMORY)}
    copy = replace(conversation, vault=vault, memory=memory, state="bot")
    understanding = turns.understand(scrubbed, conversation.locale)
    decision = turns.guard(turns.engine.decide(copy, scrubbed, understanding, history[: asked[-1]]), vault)
    if decision.handoff is not None and not decision.tool_calls:
        return []  # "let me get you a human" is no help to the human
    return [turns.scrubber.restore(reply.text, vault) for reply in decision.replies if reply.text.strip()]
