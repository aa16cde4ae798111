"""Everything the human-agent desk says, en + zh: one table of templates by name (handoff notices, the CSAT
survey, the canned responses agents pick from) and say() to fill one, plus the English summary agents read."""

from __future__ import annotations

from collections.abc import Mapping

from bot.types import Language

#: Every desk template by name, in English and Chinese.
REPLIES: Mapping[str, Mapping[Language, str]] = {
    # What the shopper reads while the conversation waits for a person.
    "wait_closed_hours": {
        "en": "Our team is available {hours}. Leave your message here: nothing is lost, "
        "and an agent will reply in this chat when they are back.",
        "zh": "我们的客服工作时间为 {hours}。请在这里留言，内容不会丢失，客服上线后会在此回复您。",
    },
    "wait_nobody": {
        "en": "No agent is online right now. Leave your message here: nothing is lost, and an agent "
        "will reply in this chat as soon as one is available (usually within {minutes} minutes).",
        "zh": "目前没有在线的人工客服。请在这里留言，内容不会丢失，"
        "客服上线后会尽快在此回复您（通常在 {minutes} 分钟内）。",
    },
    "wait_minutes": {
        "en": "An agent will join shortly. Expected wait: about {minutes} minutes.",
        "zh": "人工客服即将为您服务，预计等待约 {minutes} 分钟。",
    },
    # An agent takes the conversation and gives it back.
    "agent_joined": {"en": "{agent} joined the conversation.", "zh": "{agent} 已加入对话。"},
    "agent_released": {
        "en": "{agent} handed the conversation back to the assistant.",
        "zh": "{agent} 已将对话交回智能助手。",
    },
    # The CSAT survey when an agent closes the conversation.
    "csat_ask": {
        "en": "This conversation is closed. How would you rate the help you got? "
        "Reply with a number from 1 (poor) to 5 (great).",
        "zh": "本次对话已结束。请为本次服务打分：回复 1（很差）到 5（很好）之间的数字。",
    },
    "csat_thanks": {"en": "Thank you for your rating!", "zh": "感谢您的评分！"},
    # Canned responses an agent can send as they are.
    "canned_hello": {
        "en": "Hi, this is {agent} from the shop team. I'm reading your conversation now.",
        "zh": "您好，我是客服 {agent}，正在查看您的对话。",
    },
    "canned_patience": {
        "en": "Thanks for your patience. Let me check that for you.",
        "zh": "感谢您的耐心等待，我这就为您查询。",
    },
    "canned_sorry": {
        "en": "I'm sorry about the trouble. I'll sort this out for you.",
        "zh": "非常抱歉给您带来不便，我会尽快为您处理。",
    },
    "canned_order_and_email": {
        "en": "Could you tell me your order number and the email on the order?",
        "zh": "请提供您的订单号以及下单时使用的邮箱。",
    },
    "canned_anything_else": {
        "en": "Is there anything else I can help you with?",
        "zh": "请问还有其他可以帮您的吗？",
    },
    "canned_back_to_bot": {
        "en": "I'm handing you back to our assistant now. Have a great day!",
        "zh": "现在为您转回智能助手，祝您生活愉快！",
    },
}

#: The canned responses in the order agents see them.
CANNED = (
    "canned_hello", "canned_patience", "canned_sorry", "canned_order_and_email", "canned_anything_else",
    "canned_back_to_bot",
)  # fmt: skip

#: A ticket's summary as agents read it (in English, whatever the shopper's language).
SUMMARY_LAST_MESSAGE = "{head} Last message: \u201c{last}\u201d"
#: The head of a message ticket's summary: nobody could take the handoff, so the team answers by email.
MESSAGE_HEAD = "Message to answer by email to {reply_to} (nobody could take the handoff: {reason})."


def language(locale: str | None) -> Language:
    """The language desk texts take for a conversation's locale: Chinese for "zh", English otherwise (unset too)."""
    return "zh" if locale == "zh" else "en"


def say(key: str, locale: str | None, **values: object) -> str:
    """The template for key in the locale's language, filled with values."""
    return REPLIES[key][language(locale)].format(**values)
