"""The LLM engine: LangChain over any OpenAI-compatible endpoint, same tools and guards as the embedded engine."""

from bot.agent.llm.engine import LlmConfig, LlmEngine, UnusableAnswer

__all__ = ["LlmConfig", "LlmEngine", "UnusableAnswer"]
