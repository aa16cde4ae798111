"""Evaluation suites the project wrote itself; run them with `shopkeeper eval SUITE` (see docs/evals.md)."""
