"""Agent assist: what the bot would answer to the shopper's last message, computed without side effects."""

from __future__ import annotations

from bot.agent.turn import TurnHandler
from bot.desk.replies import CANNED, say


def canned_responses(locale: str, agent: str) -> list[str]:
    """The canned responses in the locale's language, signed by agent."""
    return [say(key, locale, agent=agent) for key in CANNED]


def suggest_replies(turns: TurnHandler, conversation_id: str) -> list[str]:
    """The bot's reply to the last shopper message (TurnHandler.preview: nothing is stored or published,
    and a write awaiting the shopper's yes cannot run)."""
    preview = turns.preview(conversation_id)
    if preview is None:
        return []
    if preview.trace.handoff is not None and not preview.trace.tool_calls:
        return []  # "let me get you a human" is no help to the human
    return [reply.text for reply in preview.replies if reply.text.strip()]
