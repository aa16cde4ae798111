"""A new postal address from the shopper's words: "12 Ocean Ave, Apt 3, Portland, OR 97201" or
"上海市浦东新区世纪大道100号，邮编200120" (placeholders already resolved from the vault)."""

from __future__ import annotations

import re

from bot.text import CJK, HAN
from bot.types import Address

_US_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH "
    "OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC".split()
)
_STATE_ZIP = re.compile(r"\b([A-Z]{2})\s*,?\s*(\d{5})(?:-\d{4})?\b")
_ZIP = re.compile(r"(?<!\d)(\d{5,6})(?:-\d{4})?(?!\d)")
#: Where a street address starts: a house number followed by a word ("55 Ocean Drive").
_STREET_START = re.compile(r"(?<![\w#-])\d+[A-Za-z]?\s+[A-Za-z]")
_COUNTRIES = {"usa": "USA", "us": "USA", "united states": "USA", "u.s.": "USA", "u.s.a.": "USA", "china": "China"}
#: Words before the address itself ("改到", "寄往", "新地址是"): everything up to the last of them goes.
_ZH_LEAD = re.compile(r"^.*(?:改为|改成|改到|换成|换到|寄到|寄往|送到|送往|发到|地址是|地址为|新地址|地址[:：])\s*")
_ZH = re.compile(
    rf"(?P<state>[{HAN}]{{2,6}}?(?:省|自治区))?(?P<city>[{HAN}]{{2,6}}?市)(?P<rest>[{HAN}\w\-#]+)"
)


def parse_address(text: str) -> Address | None:
    """The address in the text, or None when street, city, state/province or zip is missing."""
    if CJK.search(text) and re.search(f"[{HAN}]+市", text):
        return _parse_zh(text)
    return _parse_en(text)


def _parse_en(text: str) -> Address | None:
    start = _STREET_START.search(text)
    if start is None:
        return None
    body = text[start.start() :].strip().rstrip(".!。")
    m = _STATE_ZIP.search(body)
    if m is None or m.group(1) not in _US_STATES:
        return None
    state, zip_code = m.group(1), m.group(2)
    before = body[: m.start()].strip().rstrip(",")
    after = body[m.end() :].strip(" ,.")
    country = _COUNTRIES.get(after.lower(), after) if after else "USA"
    parts = [p.strip() for p in before.split(",") if p.strip()]
    if len(parts) < 2 or not re.match(r"^\d+\w*\s+\S", parts[0]):
        return None
    address1, city = parts[0], parts[-1]
    address2 = ", ".join(parts[1:-1])  # apartment, suite, floor ...
    return Address(address1=address1, address2=address2, city=city, state=state, country=country, zip=zip_code)


def _parse_zh(text: str) -> Address | None:
    zip_match = re.search(r"(?:邮编|邮政编码)\s*[:：]?\s*(\d{6})", text) or _ZIP.search(text)
    if zip_match is None:
        return None
    zip_code = zip_match.group(1)
    body = text[: zip_match.start()] + " " + text[zip_match.end() :]
    body = re.sub(r"邮编|邮政编码", " ", _ZH_LEAD.sub("", body, count=1))
    m = _ZH.search(re.sub(r"[\s,，。；;:：]+", "", body))
    if m is None or not m.group("rest"):
        return None
    city = m.group("city")
    state = m.group("state") or city  # the four municipalities are their own province
    return Address(address1=m.group("rest"), address2="", city=city, state=state, country="China", zip=zip_code)
