"""The write flows' words at their old address, kept only for the modules that still import them (embedded,
flows.state); new code imports bot.agent.replies."""

from __future__ import annotations

from bot.agent.replies import FLOW_WORDS, FlowWords
from bot.agent.replies import say as flow_say

__all__ = ["FLOW_WORDS", "FlowWords", "flow_say"]
