"""Every reply table (the agent's and the desk's): each template in both languages, with the same placeholders."""

from __future__ import annotations

from collections.abc import Mapping
from string import Formatter

import pytest

from bot.agent.replies import REPLIES as AGENT_REPLIES
from bot.desk.replies import REPLIES as DESK_REPLIES


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


@pytest.mark.parametrize("table", [AGENT_REPLIES, DESK_REPLIES], ids=["agent", "desk"])
def test_every_template_has_both_languages_with_the_same_placeholders(table: Mapping[str, Mapping[str, str]]) -> None:
    for key, texts in table.items():
        assert set(texts) == {"en", "zh"}, key
        assert _fields(texts["en"]) == _fields(texts["zh"]), key
