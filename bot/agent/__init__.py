"""The AI side: the turn, the embedded engine and its flows, the LLM engine, tools, handoff policy, guardrails."""
