"""Messages full of PII through a whole turn: no raw value in any log line, the trace or the engine's input."""

from __future__ import annotations

import json
import logging

import pytest

from bot.agent.embedded import EmbeddedEngine
from bot.agent.turn import TurnHandler
from bot.privacy.scrubber import PiiScrubber
from bot.testing.fakes import FakeRetriever, FakeShop
from bot.testing.turns import turn_handler
from bot.types import Conversation
from bot.understanding.understander import Understander

MESSAGES = [
    (
        "Hi, I'm Laura Bennett, email laura.bennett@example.org, phone (415) 555-0134. "
        "Refund card 4111 1111 1111 1111 or IBAN DE89 3704 0044 0532 0130 00, SSN 536-22-1234, IP 203.0.113.9.",
        [
            "Laura Bennett",
            "laura.bennett@example.org",
            "(415) 555-0134",
            "4111 1111 1111 1111",
            "DE89 3704 0044 0532 0130 00",
            "536-22-1234",
            "203.0.113.9",
        ],
    ),
    (
        "你好，我叫王芳，手机13812345678，身份证110101199003074514，"
        "地址：上海市浦东新区世纪大道100号，银行卡6222020200112233446，邮箱wangfang@163.com",
        [
            "王芳",
            "13812345678",
            "110101199003074514",
            "上海市浦东新区世纪大道100号",
            "6222020200112233446",
            "wangfang@163.com",
        ],
    ),
    ("Where is order #W1000001? my email is jane.doe@example.com", ["jane.doe@example.com"]),
]


@pytest.fixture(scope="module")
def handler() -> TurnHandler:
    return turn_handler(
        EmbeddedEngine(FakeShop(), FakeShop(), FakeRetriever()), PiiScrubber(), Understander().understand
    )


@pytest.mark.parametrize(("text", "raw_values"), MESSAGES)
def test_no_raw_pii_in_logs_or_trace(
    handler: TurnHandler, text: str, raw_values: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    cid = f"c_{abs(hash(text))}"
    handler.store.create(Conversation(id=cid))
    with caplog.at_level(logging.DEBUG):
        result = handler.handle(cid, text)
    trace = json.dumps(result.trace.to_json(), ensure_ascii=False)
    logged = "\n".join(r.getMessage() for r in caplog.records) + caplog.text
    stored = handler.store.get(cid)
    assert stored is not None
    memory = json.dumps(dict(stored.memory), ensure_ascii=False)
    for raw in raw_values:
        assert raw not in trace, f"{raw!r} in the trace"
        assert raw not in result.trace.model_input
        assert raw not in logged, f"{raw!r} in the logs"
        assert raw not in memory, f"{raw!r} in the conversation memory"
        assert raw in stored.vault.values()  # kept, reversibly, for tools and the shopper only
