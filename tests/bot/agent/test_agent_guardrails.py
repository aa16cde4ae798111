"""The output guard: foreign placeholders and foreign contact details are redacted."""

from __future__ import annotations

from bot.agent.guardrails import guard_output
from bot.types import Citation, Decision, Reply, ToolCall

VAULT = {"<EMAIL_1>": "me@example.com", "<PHONE_1>": "13812345678"}


def _guard(text: str, **kwargs: object) -> str:
    return guard_output(Decision(replies=(Reply(text),), **kwargs), VAULT).replies[0].text  # type: ignore[arg-type]


def test_own_placeholders_pass_foreign_ones_do_not() -> None:
    assert _guard("We'll write to <EMAIL_1>.") == "We'll write to <EMAIL_1>."
    assert _guard("Also <EMAIL_2> and <PERSON_1>") == "Also [redacted] and [redacted]"


def test_foreign_emails_and_phones_are_redacted() -> None:
    assert _guard("Ask bob@other.example or call +1 415 555 0134.") == "Ask [redacted] or call [redacted]."
    assert _guard("联系 13912345678") == "联系 [已隐藏]"
    assert _guard("me@example.com and 138 1234 5678 are yours") == "me@example.com and 138 1234 5678 are yours"


def test_ids_and_tracking_numbers_are_not_phone_numbers() -> None:
    text = "Order #W1000001, item 1434748144, tracking 357962501027, $24.50, 2026-10-02"
    assert _guard(text) == text


def test_cited_and_tool_returned_values_pass() -> None:
    cited = Reply(
        "Email support@shop.example.", citations=(Citation("c.md", "Contact", "Email support@shop.example."),)
    )
    assert guard_output(Decision(replies=(cited,)), VAULT).replies[0].text == "Email support@shop.example."
    call = ToolCall("x", {}, True, {"phone": "+1 212 555 0100"})
    assert _guard("Call +1 212 555 0100", tool_calls=(call,)) == "Call +1 212 555 0100"


def test_everything_else_is_kept() -> None:
    decision = Decision(replies=(Reply("<EMAIL_3>"),), memory={"flow": "x"})
    guarded = guard_output(decision, VAULT)
    assert guarded.memory == {"flow": "x"} and guarded.replies[0].text == "[redacted]"
