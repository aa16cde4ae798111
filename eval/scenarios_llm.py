"""The scenario suite on the LLM engine: the scripted server plays each scenario's model script (or a real endpoint)."""

from __future__ import annotations

from eval.harness import SuiteOptions, SuiteResult, suite
from eval.scenarios import run_scenarios


@suite("scenarios-llm")
def scenarios_llm(options: SuiteOptions) -> SuiteResult:
    """Scenarios with a model script, through bot/testing/llm_server.py's server; every scenario when
    SHOPKEEPER_LLM_BASE_URL names a real endpoint (the scripts are then ignored)."""
    return run_scenarios(options, "llm")
