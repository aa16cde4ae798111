"""The recognizers presidio lacks: Chinese phones, IDs, bank cards, names, addresses; IBAN, phones, birth dates."""

from __future__ import annotations

import pytest

from bot.privacy.recognizers import luhn, plausible_phone, valid_iban
from bot.privacy.scrubber import PiiScrubber

scrubber = PiiScrubber(use_ner=False)


def kinds(text: str) -> list[tuple[str, str]]:
    return [(f.kind, text[f.start : f.end]) for f in scrubber.detect(text)]


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("请联系我的座机010-62345678谢谢", "PHONE", "010-62345678"),
        ("银行卡号6222020200112233446，退款什么时候到？", "CREDIT_CARD", "6222020200112233446"),
        ("我叫王芳，订单W1234567还没到", "PERSON", "王芳"),
        ("收货人：张伟，电话13812345678", "PERSON", "张伟"),
        ("订单发货了吗？邮编80249，我叫 Tao Zhou", "PERSON", "Tao Zhou"),
        ("收货人：Ana Lee，电话13812345678", "PERSON", "Ana Lee"),
        ("寄到上海市浦东新区世纪大道100号，赵敏收", "LOCATION", "上海市浦东新区世纪大道100号"),
        ("寄到上海市浦东新区世纪大道100号，赵敏收", "PERSON", "赵敏"),
        ("地址：朝阳区建国路88号，谢谢", "LOCATION", "朝阳区建国路88号"),
        ("之前用olivia_w36@gmail.com注册的", "EMAIL", "olivia_w36@gmail.com"),
        ("refund to gb42nawi04454264788619 please", "IBAN", "gb42nawi04454264788619"),
        ("call me on +44 20 7946 0018 tomorrow", "PHONE", "+44 20 7946 0018"),
        ("Hungary 34796\n(37) 788-063-Office", "PHONE", "(37) 788-063"),
        ("930.167.3943 fax\n+447700677662 mobile", "PHONE", "+447700677662"),
        ("085 175 7641-Office,3660170548-Fax", "PHONE", "3660170548"),
        ("主治医师张雪梅为其开具了阿司匹林", "PERSON", "张雪梅"),
        ("My name is Rubija and I need help", "PERSON", "Rubija"),
        ("I was born on March 3, 1990 and want my discount", "DOB", "March 3, 1990"),
        ("出生日期：1990年3月3日", "DOB", "1990年3月3日"),
        ("白雅宁是一位43岁的女性", "PERSON", "白雅宁"),
    ],
)
def test_found(text: str, kind: str, value: str) -> None:
    assert (kind, value) in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "Where is order #W1234567? It was $1,299.00.",
        "商品货号1234567890有货吗",
        "I'm looking for a blue hoodie in size M",
        "我是想问一下退货政策",
        "订单2024-05-12下的，尺码42",
        "order 1234567 office chair, 2 of them",
        "医生说这个尺码偏小",
    ],
)
def test_shop_text_is_left_alone(text: str) -> None:
    assert kinds(text) == []


def test_a_name_found_once_is_hidden_everywhere() -> None:
    text = "我叫林晨。林晨的订单还没到"
    scrubbed, vault = scrubber.scrub(text, {})
    assert "林晨" not in scrubbed and scrubbed.count("<PERSON_1>") == 2


def test_checksums() -> None:
    assert luhn("4111 1111 1111 1111") and not luhn("4111 1111 1111 1112")
    assert valid_iban("DE89 3704 0044 0532 0130 00") and not valid_iban("DE89 3704 0044 0532 0130 01")
    assert plausible_phone("(415) 555-0134") and not plausible_phone("2019-2020") and not plausible_phone("12 34")
