"""The LLM engine: LangChain over any OpenAI-compatible endpoint, same tools and guards as the embedded engine."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.agent.llm.engine import LlmConfig, LlmEngine, UnusableAnswer

__all__ = ["LlmConfig", "LlmEngine", "UnusableAnswer"]


def __getattr__(name: str) -> object:
    # Loaded on first use: importing bot.agent.llm.choose (every start) would otherwise import
    # LangChain and openai, 2-4 s on two busy cores, for a service that runs the embedded engine.
    if name in __all__:
        from bot.agent.llm import engine

        return getattr(engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
