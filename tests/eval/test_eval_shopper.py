"""The shopper suite's judge and cases, without the service (the suite itself runs in `shopkeeper eval shopper`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings
from bot.text import detect_language
from bot.types import ProductCard
from eval.shopper_cases import CATEGORIES, Check, all_cases, load_written, smoke_slice
from eval.shopper_check import Reply, judge, yes_or_no


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("No — we ship only within the United States.", "no"),
        ("Yes, we accept PayPal.", "yes"),
        ("Sorry, the Pebble Table Lamp in black is out of stock.", "no"),
        ("The Harbor Table Lamp in brass, ceramic is in stock at $108.95.", "yes"),
        ("Credit and debit cards: Visa, Mastercard.", None),
        ("不可以，我们暂不提供美国以外的配送。", "no"),
        ("可以，我们支持 PayPal。", "yes"),
        ("每个订单只能使用一个优惠码。", None),
        ("港湾相思木砧板，相思木端面拼接，不易伤刀。", None),
    ],
)
def test_yes_or_no_reads_the_lead(text: str, answer: str | None) -> None:
    assert yes_or_no(text) == answer


def test_judge_checks_fact_language_cards_and_state() -> None:
    check = Check(groups=(("1,299.50", "1299.50"),), max_price=30.0)
    card = ProductCard(product_id="1", name="Lamp", price=45.0)
    problems = judge(check, Reply("It costs $1,299.50.", (card,), "waiting_for_agent"), "zh")
    assert any("cards over" in p for p in problems)
    assert any("state" in p for p in problems)
    assert any("reply in en" in p for p in problems)
    assert judge(check, Reply("It costs $1,299.50."), "en") == []
    assert judge(Check(groups=(("5.95",),)), Reply("That is $15.95."), "en")  # a number is matched whole


def test_nobody_available_needs_both_halves() -> None:
    check = Check(nobody_available=True)
    assert judge(check, Reply("Nobody is available right now. Leave a message and your email?"), "en") == []
    assert judge(check, Reply("I'm passing you to a human colleague."), "en")
    assert judge(check, Reply("现在没有客服在线，您可以留言并留下邮箱。"), "zh") == []


def test_written_cases_are_well_formed() -> None:
    cases = load_written()
    assert {c.category for c in cases} <= set(CATEGORIES)
    for case in cases:
        judged = [t for t in case.turns if t.check is not None]
        assert judged, case.id
        assert detect_language(case.turns[0].text, case.language) == case.language, case.id


@pytest.fixture(scope="module")
def demo_shop(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from connectors.commerce import open_shop

    shop = open_shop(Settings.model_validate({"data_dir": str(tmp_path_factory.mktemp("shopper"))}))
    yield shop
    shop.close()


def test_demo_cases_are_many_seeded_and_mostly_generated(demo_shop) -> None:  # type: ignore[no-untyped-def]
    cases = all_cases(demo_shop, demo_shop=True)
    again = all_cases(demo_shop, demo_shop=True)
    assert [c.turns for c in cases] == [c.turns for c in again]
    assert len(cases) >= 300
    assert sum(c.generated for c in cases) * 2 >= len(cases)
    assert {c.category for c in cases} == set(CATEGORIES)
    assert {c.language for c in cases} == {"en", "zh"}
    assert len({c.id for c in cases}) == len(cases)
    smoke = smoke_slice(cases)
    assert 50 <= len(smoke) <= 70 and {c.category for c in smoke} == set(CATEGORIES)
    assert [c.id for c in smoke] == [c.id for c in smoke_slice(again)]


def test_a_missing_shop_file_skips(tmp_path: Path) -> None:
    from eval.harness import SuiteOptions
    from eval.shopper import shopper

    settings = Settings.model_validate({"data_dir": str(tmp_path)})
    result = shopper(SuiteOptions(settings=settings, data=tmp_path / "absent.json"))
    assert "skipped" in result.notes[0] and not result.metrics
