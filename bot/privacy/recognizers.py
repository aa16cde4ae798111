"""Recognizers presidio lacks: Chinese phones, IDs, cards, names, addresses; emails, IBANs, phones, birth dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from bot.text import HAN

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# Lookarounds, not \b: CJK characters count as word characters, so \b fails beside them.
CN_MOBILE = re.compile(r"(?<![\d+])(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)")
CN_LANDLINE = re.compile(r"(?<![\d\w])(?:\+?86[ -]?)?(?:\(0\d{2,3}\)|0\d{2,3})[ -]?[2-9]\d{6,7}(?![\d-])")
CN_ID = re.compile(r"(?<!\d)\d{17}[\dXx](?!\w)")
CARD = re.compile(r"(?<![\d-])(?:\d[ -]?){11,18}\d(?![\d-])")
# ASCII classes, not \w: a Chinese character right before or after an address is not part of it.
EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9-])"
)
IBAN = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]{4}){2,7}(?:[ ]?[A-Za-z0-9]{1,3})?(?![A-Za-z0-9])"
)
# Phone numbers the world over: optional +country, optional (area), then 2-4 digit groups.
# A label glued on with a dash ("788-063-Office") ends a number; a dash and a digit does not, nor
# does a line break join two numbers.
PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{8,14}|(?:\+\d{1,3}[ \t.-]?)?(?:\(\d{1,4}\)[ \t.-]?)?\d{2,5}(?:[ \t.-]\d{2,6}){1,4})"
    r"(?:\s?(?:x|ext\.?)\s?\d{1,5})?(?!\w)(?!-\d)"
)
# A bare run of digits is a phone number when a phone word sits right beside it ("3660170548-Fax").
PHONE_BY_LABEL = re.compile(
    r"(?i:phone|tel|mobile|cell|fax|office|whatsapp|电话|手机)\W{0,3}(?P<v>\+?\d{7,15})(?!\d)"
    r"|(?<![\d+])(?P<w>\+?\d{7,15})(?:-|\s?\()(?i:phone|tel|mobile|cell|fax|office)\b"
)

_HAN = f"[{HAN}]"
# A name right after the words that introduce one: 我叫 / 收货人 / 联系人 / 姓名 ...
ZH_NAME = re.compile(
    r"(?:我叫|我的名字是|名字是|本人|姓名[:：]?|收货人[:：是]?|收件人[:：是]?|联系人[:：是]?|签收人[:：是]?|户名[:：]?)\s*"
    rf"(?P<v>{_HAN}{{2,3}})"
)
# The same words before a name in Latin letters ("我叫 Tao Zhou", "收货人：Ana Lee").
ZH_NAME_LATIN = re.compile(
    r"(?:我叫|我的名字是|名字是|本人是|姓名[:：]?|收货人[:：是]?|收件人[:：是]?|联系人[:：是]?|签收人[:：是]?|户名[:：]?)\s*"
    r"(?P<v>[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2})\b"
)
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "柏安阮常温康施文牛樊葛邢齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒柯纪梅童凌毕单"
    "季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄"
    "窦戚岑景党宫费卜冷晏席卫米宗瞿桂全佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝"
)
_COMPOUND_SURNAMES = "欧阳|司马|上官|诸葛|东方|慕容|司徒|皇甫|令狐|夏侯"
# Without an introducing word a name needs a common surname and a telling neighbour: 是一位, 医生, 收 ...
ZH_NAME_BY_SURNAME = re.compile(
    r"(?:^|(?<=[\s，。、；：:,;“”\"（(找给问和与跟由经在])|(?<=我是)|(?<=我叫))"
    rf"(?P<v>(?:{_COMPOUND_SURNAMES}|[{_SURNAMES}]){_HAN}{{1,2}}?)"
    r"(?=是一|，\d{1,3}岁|\d{1,3}岁|，(?:男|女)|医生|医师|先生|女士|小姐|老师|同学|经理|收(?:[，,。\s]|$)"
    r"|[，,]?(?:电话|手机)|，生日|为(?:其|他|她)|诊断|开具|负责)"
)
# A doctor's or a clerk's name after the title: 主治医师张雪梅, 医生为王建国.
ZH_NAME_AFTER_TITLE = re.compile(
    r"(?:主治医生|主治医师|主任医师|医生|医师|大夫|客服|专员)(?:为|是)?[:：]?\s*"
    rf"(?P<v>(?:{_COMPOUND_SURNAMES}|[{_SURNAMES}]){_HAN}{{1,2}})"
)
# Words that follow a name and must not be swallowed into it ("我叫王芳想问" -> 王芳).
_AFTER_NAME = set("想要的是在，。,.!？?请我您，电手号啊呀为开诊负医")
# A street address: optional province, a city, a district or county, then a road with a number.
ZH_ADDRESS = re.compile(
    rf"(?P<v>(?:{_HAN}{{2,6}}?(?:省|自治区))?{_HAN}{{2,6}}?市(?:{_HAN}{{1,6}}?(?:区|县|市))?"
    rf"(?:{_HAN}{{1,10}}?(?:路|街|道|巷|弄|大道)\d+号(?:{_HAN}{{0,6}}?\d+(?:号楼|栋|幢|单元|室|楼)){{0,3}}"
    rf"|{_HAN}{{1,8}}?(?:镇|乡|村|小区|花园|大厦))?)"
)
# After 地址 anything up to the next punctuation is the address, even without a city.
ZH_ADDRESS_CONTEXT = re.compile(
    rf"(?:地址|住址|寄到|送到|住在|居住于|现居住于)(?:是|为|改成|改为)?[:：]?\s*(?P<v>(?:{_HAN}|\d|[A-Za-z#-]){{4,40}})"
)
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)"
)
_DATE = (
    r"(?:\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}"
    rf"|{_MONTH}\.? \d{{1,2}},? \d{{4}}|\d{{1,2}} {_MONTH} \d{{4}})"
)
BIRTH_DATE = re.compile(
    r"(?:date of birth|birth ?date|born on|born|d\.?o\.?b\.?|birthday|出生日期|出生于|生日)"
    rf"(?:\s*(?:is|was|:|是|为|：))?\s*(?P<v>{_DATE})",
    re.IGNORECASE,
)


# An English name after the words that introduce one ("my name is", "I'm", "Dear", "recipient:").
_NAME_WORD = r"[A-Z][a-zA-Z\u00c0-\u024f'’-]+"
EN_NAME = re.compile(
    r"(?:(?i:my name is|name is|my name's|i am|i'm|im|this is|it's|its|call me|calls me|called me|named|dear|hi"
    r"|hello|thanks|ask for|name|recipient|attn|signed|regards|sincerely|cheers|contact|cardholder|account holder"
    r"|addressed to|ship to)"
    rf"[:,]?\s+)(?P<v>{_NAME_WORD}(?:\s(?:[A-Z]\.?\s)?{_NAME_WORD}){{0,2}})"
)
#: Capitalised words that follow "I'm" / "this is" without being a name.
_NOT_NAMES = frozenset(
    "I Im I'm I’m Sorry Happy Here Looking Not Just Still Trying Having Going Getting Writing Calling Interested "
    "Unable "
    "Very So Really Back New Glad Done Ok Okay Fine Good Great Thanks Thank Hello Hi Hey Order Item Product The A An "
    "My Your Our This That It Is Customer Support Team Sir Madam Mr Mrs Ms Dr All Everyone There Please Yes No "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August "
    "September October November December Amazon Paypal PayPal Visa Mastercard".split()
)


def plausible_name(value: str) -> bool:
    return value.split()[0] not in _NOT_NAMES


def _trim_en_name(value: str) -> str:
    words = value.split()
    while words and words[-1] in _NOT_NAMES:
        words.pop()
    return " ".join(words)


def valid_cn_id(number: str) -> bool:
    """ISO 7064 MOD 11-2 check digit of an 18-character Chinese resident ID number."""
    if not re.fullmatch(r"\d{17}[\dXx]", number):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17].upper()


def luhn(number: str) -> bool:
    """The Luhn check of a card number (spaces and dashes ignored)."""
    digits = [int(c) for c in number if c.isdigit()]
    if not 13 <= len(digits) <= 19:
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def valid_iban(value: str) -> bool:
    """The ISO 13616 mod-97 check of an IBAN (spaces and case ignored)."""
    code = value.replace(" ", "").upper()
    if not 15 <= len(code) <= 34:
        return False
    digits = "".join(str(int(c, 36)) for c in code[4:] + code[:4])
    return int(digits) % 97 == 1


def plausible_phone(value: str) -> bool:
    """7-15 digits in separated groups, and not a date, a year range or a card-like run."""
    digits = re.sub(r"\D", "", re.split(r"x|ext", value)[0])
    if not 7 <= len(digits) <= 15:
        return False
    if re.fullmatch(r"(?:19|20)\d\d[-/.](?:0?[1-9]|1[0-2])[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)\d\d", value):
        return False
    groups = re.findall(r"\d+", value)
    return not all(len(g) == 4 and g[:2] in ("19", "20") for g in groups)


def _card(value: str) -> bool:
    # 12-digit cards exist (Maestro, prefixes 50 and 56-69); other 12-digit runs are not cards.
    digits = re.sub(r"\D", "", value)
    return luhn(digits) or (len(digits) == 12 and digits[0] in "56" and _luhn_sum(digits) % 10 == 0)


def _luhn_sum(digits: str) -> int:
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total


def _trim_name(value: str) -> str:
    while len(value) > 2 and value[-1] in _AFTER_NAME:
        value = value[:-1]
    return value


def _trim_address(value: str) -> str:
    # The free-form address after 地址 stops before a phone number or a following request.
    cut = re.search(r"(?:手机|电话|联系|麻烦|谢谢|请|的订单|吗)", value)
    value = value[: cut.start()] if cut else value
    return value if len(value) >= 4 else ""


@dataclass(frozen=True)
class Pattern:
    """One entity from one regex: the named group `v` (or the whole match), optionally trimmed and validated."""

    entity: str
    regex: re.Pattern[str]
    score: float
    check: Callable[[str], bool] | None = None
    trim: Callable[[str], str] | None = None
    needs: str = ""
    """A cheap pre-check on the message: "digits" (7 or more), "digit", "@", "han" (a Chinese character), "" none."""

    def find(self, text: str) -> list[tuple[str, int, int, float]]:
        """(entity, start, end, score) of every validated match."""
        out = []
        group = "v" if "v" in self.regex.groupindex else 0
        for m in self.regex.finditer(text):
            # A pattern with two alternatives names the second one's value `w`.
            g = "w" if group and "w" in self.regex.groupindex and m.group("v") is None else group
            start, value = m.start(g), m.group(g)
            if self.trim is not None:
                value = self.trim(value)
            if not value or (self.check is not None and not self.check(value)):
                continue
            out.append((self.entity, start, start + len(value), self.score))
        return out


#: Recognizers for what presidio misses, in no particular order (the scrubber ranks overlaps).
PATTERNS: tuple[Pattern, ...] = (
    Pattern("CN_MOBILE", CN_MOBILE, 0.6, needs="digits"),
    Pattern("CN_LANDLINE", CN_LANDLINE, 0.5, needs="digits"),
    # The check digit makes a random 18-digit string a 1-in-11 match, so score it above cards.
    Pattern("CN_ID", CN_ID, 0.9, check=valid_cn_id, needs="digits"),
    # presidio's card recognizer needs \b, which never matches beside Chinese text.
    Pattern("CREDIT_CARD", CARD, 0.7, check=_card, needs="digits"),
    Pattern("IBAN_CODE", IBAN, 0.8, check=valid_iban, needs="digits"),
    # Below the specific recognizers in priority, so a card or an ID is never called a phone.
    Pattern("PHONE_NUMBER", PHONE, 0.45, check=plausible_phone, needs="digits"),
    Pattern("PHONE_NUMBER", PHONE_BY_LABEL, 0.45, needs="digits"),
    # presidio's email recognizer insists on a known TLD; internal and newer domains are mail too.
    Pattern("EMAIL_ADDRESS", EMAIL, 0.6, needs="@"),
    Pattern("EN_PERSON", EN_NAME, 0.55, check=plausible_name, trim=_trim_en_name),
    Pattern("ZH_PERSON", ZH_NAME, 0.6, trim=_trim_name, needs="han"),
    Pattern("ZH_PERSON", ZH_NAME_BY_SURNAME, 0.5, needs="han"),
    Pattern("ZH_PERSON", ZH_NAME_LATIN, 0.6, needs="han"),
    Pattern("ZH_PERSON", ZH_NAME_AFTER_TITLE, 0.55, trim=_trim_name, needs="han"),
    Pattern("ZH_LOCATION", ZH_ADDRESS, 0.5, check=lambda v: len(v) >= 6 and "市" in v, needs="han"),
    Pattern("ZH_LOCATION", ZH_ADDRESS_CONTEXT, 0.55, trim=_trim_address, needs="han"),
    Pattern("DATE_OF_BIRTH", BIRTH_DATE, 0.6, needs="digit"),
)
