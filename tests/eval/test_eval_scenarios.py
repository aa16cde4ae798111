"""The scenario suite: its data, the order picking, the checker, and the runner on a real Service."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.agent.embedded import EmbeddedEngine
from bot.ports import Engine
from bot.privacy.scrubber import PiiScrubber
from bot.service import Service
from bot.settings import Settings
from bot.testing import llm_server as llm
from bot.testing.fakes import FakeRetriever
from bot.testing.turns import service_over, turn_handler
from bot.types import Handoff, Intent, Reply, Sentiment, ToolCall, Trace, TurnResult
from bot.understanding.understander import Understander
from connectors.commerce import SqliteShop, generate_demo_data
from eval.scenario_check import TurnLog, judge
from eval.scenario_data import FILES, Scenario, _scenario, load_scenarios
from eval.scenario_orders import allocate, snapshot
from eval.scenarios import failure_kind, run_scenario

_TEMPLATE = re.compile(r"\{([a-z_0-9]+)\}")
REQUIRED_TOPICS = {
    "order_status", "cancel", "modify", "address", "return", "exchange", "product", "policy",
    "account_payment", "complaint", "smalltalk", "handoff_request", "handoff_emotion", "handoff_sensitive",
    "verification", "injection", "topic_switch", "multi_request",
}  # fmt: skip


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqliteShop]:
    s = SqliteShop(tmp_path_factory.mktemp("scenarios") / "shop.sqlite3")
    s.load(generate_demo_data())
    yield s
    s.close()


@pytest.fixture(scope="module")
def nlu() -> Understander:
    return Understander()


def _service(shop: SqliteShop, nlu: Understander, engine: Engine) -> Service:
    turns = turn_handler(engine, PiiScrubber(use_ner=False), nlu.understand)
    return service_over(turns, Settings(), shop=shop)


def _one(raw: dict[str, object]) -> Scenario:
    return _scenario({"language": "en", "topic": "test", **raw})


def _by_id(name: str) -> Scenario:
    return next(s for s in load_scenarios() if s.id == name)


# --------------------------------------------------------------------------- the data


def test_the_data_is_bilingual_and_covers_the_brief() -> None:
    scenarios = load_scenarios()
    languages = [s.language for s in scenarios]
    assert len(scenarios) >= 60
    assert languages.count("en") == languages.count("zh")
    assert {s.topic for s in scenarios} >= REQUIRED_TOPICS
    for language in ("en", "zh"):
        assert {s.topic for s in scenarios if s.language == language} >= REQUIRED_TOPICS
    assert sum(s.adversarial for s in scenarios) >= 20
    assert any(s.smoke for s in scenarios)
    for s in scenarios:
        if any(t.llm and any("call" in str(step) for step in t.llm) for t in s.turns):
            assert s.has_llm_script, f"{s.id}: a model script must cover every turn"


def test_every_template_names_a_field_of_a_declared_order(shop: SqliteShop) -> None:
    scenarios = load_scenarios()
    allocations = allocate(shop, scenarios)
    raw = {item["id"]: item for path in FILES for item in json.loads(path.read_text("utf-8"))["scenarios"]}
    for scenario in scenarios:
        allocation = allocations[scenario.id]
        assert not allocation.error, f"{scenario.id}: {allocation.error}"
        used = set(_TEMPLATE.findall(json.dumps(raw[scenario.id], ensure_ascii=False)))
        unknown = used - set(allocation.values)
        assert not unknown, f"{scenario.id}: unknown templates {sorted(unknown)}"


def test_scenarios_never_share_a_customer_or_an_order(shop: SqliteShop) -> None:
    allocations = allocate(shop, load_scenarios())
    orders = [o for a in allocations.values() for o in a.order_ids.values()]
    owners = [{u for u in a.user_ids.values()} for a in allocations.values()]
    assert len(orders) == len(set(orders))
    flat = [u for group in owners for u in group]
    assert len(flat) == len(set(flat))


def test_owned_orders_share_their_customer_and_foreign_ones_do_not(shop: SqliteShop) -> None:
    scenario = _one(
        {
            "id": "t-owners",
            "turns": ["hi"],
            "orders": {
                "order": {"status": "pending"},
                "second": {"status": "pending", "owner": "order"},
                "other": {"status": "delivered", "foreign": True, "needs": ["swap"]},
            },
        }
    )
    allocation = allocate(shop, [scenario])["t-owners"]
    assert allocation.user_ids["order"] == allocation.user_ids["second"] != allocation.user_ids["other"]
    assert allocation.foreign == ("other",)
    assert allocation.values["other_new_item_id"] != allocation.values["other_item_id"]


# --------------------------------------------------------------------------- the checker

_TRACE = Trace("en", Intent("x", 1.0), Sentiment("neutral", 0.0), "", (), None, "embedded", {})


def _log(user: str, text: str, *calls: ToolCall, handoff: str = "", state: str = "bot") -> TurnLog:
    trace = Trace(
        "en", Intent("x", 1.0), Sentiment("neutral", 0.0), "", calls, Handoff(handoff) if handoff else None,
        "embedded", {},
    )  # fmt: skip
    return TurnLog(user, TurnResult((Reply(text),), state, trace))  # type: ignore[arg-type]


def test_a_met_scenario_passes_and_amounts_match_in_any_format(shop: SqliteShop) -> None:
    scenario = _one(
        {
            "id": "t-pass",
            "orders": {"order": {"status": "delivered"}},
            "turns": ["I want to return it"],
            "expect": {"say": ["{order_id}", {"amount": "1234.5"}], "handoff": False, "no_writes": True},
        }
    )
    allocation = allocate(shop, [scenario])["t-pass"]
    log = _log("I want to return it", f"Return from order {allocation.values['order_id']}: $1,234.50 back.")
    verdict = judge(scenario, [log], allocation, shop, snapshot(shop, allocation))
    assert verdict.passed, verdict.problems


def test_numbers_match_whole(shop: SqliteShop) -> None:
    scenario = _one({"id": "t-numbers", "turns": ["how long?"], "expect": {"say": ["14"]}})
    allocation = allocate(shop, [scenario])["t-numbers"]
    assert not judge(scenario, [_log("how long?", "$114.43 back.")], allocation, shop, {}).passed
    assert not judge(scenario, [_log("how long?", "14.5 units")], allocation, shop, {}).passed
    assert judge(scenario, [_log("how long?", "Within 14 days.")], allocation, shop, {}).passed


def test_unmet_expectations_are_named(shop: SqliteShop) -> None:
    scenario = _one(
        {
            "id": "t-fail",
            "orders": {"order": {"status": "pending"}},
            "turns": ["cancel {order_id}", "yes but wait"],
            "expect": {
                "say": ["cancelled"],
                "calls": [{"name": "cancel_pending_order", "order": "{order_id}"}],
                "shop": [{"order": "order", "status": "cancelled"}],
                "handoff": ["sensitive"],
            },
        }
    )
    allocation = allocate(shop, [scenario])["t-fail"]
    logs = [_log("cancel it", "Which order?"), _log("yes but wait", "OK.")]
    verdict = judge(scenario, logs, allocation, shop, snapshot(shop, allocation))
    assert not verdict.passed
    assert verdict.first == "end: replies do not say 'cancelled'"
    assert any("no successful call to cancel_pending_order" in p for p in verdict.problems)
    assert any("expected 'cancelled'" in p for p in verdict.problems)
    assert any("no handoff" in p for p in verdict.problems)
    assert failure_kind(verdict) == "reply facts"


def test_forbidden_calls_and_unconfirmed_writes_are_violations(shop: SqliteShop) -> None:
    scenario = _one(
        {
            "id": "t-violations",
            "orders": {"order": {"status": "pending"}, "other": {"status": "pending", "foreign": True}},
            "turns": ["show {other_id}", "yes but first tell me more"],
            "expect": {"no_calls": ["get_user_details"]},
        }
    )
    allocation = allocate(shop, [scenario])["t-violations"]
    other = allocation.values["other_id"]
    logs = [
        _log("show it", "Here it is.", ToolCall("get_order_details", {"order_id": other}, True, {})),
        _log(
            "yes but first tell me more",
            "Done.",
            ToolCall("get_user_details", {}, True, {}),
            ToolCall("cancel_pending_order", {"order_id": allocation.values["order_id"]}, True, {}),
        ),
    ]
    verdict = judge(scenario, logs, allocation, shop, snapshot(shop, allocation))
    assert len(verdict.violations) == 3, verdict.violations
    assert failure_kind(verdict) == "violation"


def test_handoff_reasons_match_by_prefix_and_the_llm_may_transfer(shop: SqliteShop) -> None:
    scenario = _one({"id": "t-handoff", "turns": ["sue"], "expect": {"handoff": ["sensitive"]}})
    allocation = allocate(shop, [scenario])["t-handoff"]
    sensitive = [_log("sue", "A colleague will reply.", handoff="sensitive_legal", state="waiting_for_agent")]
    model = [_log("sue", "A colleague will reply.", handoff="model_transfer", state="waiting_for_agent")]
    assert judge(scenario, sensitive, allocation, shop, {}).passed
    assert not judge(scenario, model, allocation, shop, {}).passed
    assert judge(scenario, model, allocation, shop, {}, engine="llm").passed


# --------------------------------------------------------------------------- the runner on a real Service


def test_the_runner_passes_what_works_today(shop: SqliteShop, nlu: Understander) -> None:
    service = _service(shop, nlu, EmbeddedEngine(shop, shop, FakeRetriever()))
    policy = _one(
        {
            "id": "t-policy",
            "turns": ["How many days do I have to return an item?"],
            "expect": {"say": ["30"], "citations": True, "handoff": False},
        }
    )
    chosen = [_by_id("en-status-tracking"), _by_id("en-human-plain"), policy]
    allocations = allocate(shop, chosen)
    outcomes = [run_scenario(service, shop, s, allocations[s.id]) for s in chosen]
    assert [o.verdict.problems + o.verdict.violations for o in outcomes] == [[], [], []]
    assert outcomes[1].handoff == "requested"


def test_the_runner_fails_a_scenario_that_must_fail(shop: SqliteShop, nlu: Understander) -> None:
    service = _service(shop, nlu, EmbeddedEngine(shop, shop, FakeRetriever()))
    wrong = _one(
        {
            "id": "t-wrong",
            "orders": {"order": {"status": "delivered"}},
            "turns": ["Where is order {order_id}? My email is {order_email}."],
            "expect": {"say": ["cancelled"], "no_calls": ["get_order_status"], "handoff": ["requested"]},
        }
    )
    outcome = run_scenario(service, shop, wrong, allocate(shop, [wrong])["t-wrong"])
    assert not outcome.passed
    assert any("forbidden call get_order_status" in v for v in outcome.verdict.violations)
    assert "end: replies do not say 'cancelled'" in outcome.verdict.problems
    assert any("no handoff" in p for p in outcome.verdict.problems)


@pytest.mark.integration
def test_the_llm_run_plays_the_model_script_and_checks_the_shop(nlu: Understander, tmp_path: Path) -> None:
    from bot.agent.llm import LlmConfig, LlmEngine

    shop = SqliteShop(tmp_path / "shop.sqlite3")  # its own shop: this scenario cancels an order
    shop.load(generate_demo_data())
    scenario = _by_id("en-cancel")
    allocation = allocate(shop, [scenario])[scenario.id]
    with llm.ScriptedLlmServer() as server:
        engine = LlmEngine(
            LlmConfig(server.base_url, "scripted", timeout_s=10), shop, shop, FakeRetriever(), actions=shop,
            fallback=EmbeddedEngine(shop, shop, FakeRetriever()),
        )  # fmt: skip
        outcome = run_scenario(_service(shop, nlu, engine), shop, scenario, allocation, "llm", server)
    assert outcome.passed, outcome.verdict.problems + outcome.verdict.violations
    assert shop.get_order(allocation.order_ids["order"]).status == "cancelled"  # type: ignore[union-attr]
    assert outcome.fallbacks == 0
    shop.close()
