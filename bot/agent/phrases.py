"""The reply table's old address, kept only for the modules that still import it (embedded, llm.engine,
flows.state); new code imports bot.agent.replies."""

from __future__ import annotations

from bot.agent.replies import REPLIES as PHRASES
from bot.agent.replies import handoff_phrase, say, status_text

__all__ = ["PHRASES", "handoff_phrase", "say", "status_text"]
