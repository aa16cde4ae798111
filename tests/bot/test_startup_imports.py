"""A default start imports neither torch nor LangChain: they cost seconds and only an opt-in model needs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration  # each case starts a fresh interpreter

HEAVY = ("torch", "transformers", "sentence_transformers", "langchain_openai", "langchain_core", "openai")


def _loaded_after(code: str) -> list[str]:
    """The HEAVY modules a fresh interpreter holds after running code."""
    script = f"import json, sys\n{code}\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    env = dict(os.environ, HF_HUB_OFFLINE="1", TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS="")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def test_choosing_the_embedded_engine_imports_no_langchain() -> None:
    code = "import bot.service\nfrom bot.agent.llm.choose import choose_engine"
    assert _loaded_after(code) == []  # tests/bot/agent/test_llm_engine.py imports the engine from the package


def test_the_scrubber_with_spacy_loads_without_torch() -> None:
    pytest.importorskip("spacy")
    code = (
        "from bot.privacy.scrubber import PiiScrubber\ns = PiiScrubber()\n"
        "s.scrub('Tomomi Nishiyama, Keizersgracht 112', {})"
    )
    assert [m for m in _loaded_after(code) if m in ("torch", "transformers")] == []
