"""Agent assist: what the bot would answer to the shopper's last message, computed without side effects."""

from __future__ import annotations

from bot.agent.turn import TurnHandler

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


def canned_responses(locale: str, agent: str) -> list[str]:
    return [text.format(agent=agent) for text in CANNED["zh" if locale == "zh" else "en"]]


def suggest_replies(turns: TurnHandler, conversation_id: str) -> list[str]:
    """The bot's reply to the last shopper message (TurnHandler.preview: nothing is stored or published,
    and a write awaiting the shopper's yes cannot run)."""
    preview = turns.preview(conversation_id)
    if preview is None:
        return []
    if preview.trace.handoff is not None and not preview.trace.tool_calls:
        return []  # "let me get you a human" is no help to the human
    return [reply.text for reply in preview.replies if reply.text.strip()]
