"""The agent: tools over the shop's backends, the embedded engine, answers from retrieval, guardrails."""
