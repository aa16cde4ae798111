"""How shoppers write option values: Chinese words for the catalogue's English ones, and units written
several ways ("1 L", "1l", "1 litre", "1000ml" are one size; "8 in", '8"', "8 inch" another).

The table is the embedded engine's own (option values of the demo shop and common retail words); a value
it does not know is still matched as the catalogue spells it.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Chinese words a shopper may use for an option value or key (the first one is how a reply writes it).
ZH_WORDS: dict[str, tuple[str, ...]] = {
    "color": ("颜色", "颜色款"),
    "size": ("尺寸", "尺码", "大小"),
    "material": ("材质", "材料"),
    "capacity": ("容量",),
    "scent": ("香味", "香型"),
    "firmness": ("软硬度",),
    "frame": ("框架", "画框"),
    "shade": ("灯罩",),
    "length": ("长度",),
    "power": ("供电", "电源"),
    "finish": ("表面处理", "饰面"),
    "lid": ("盖子",),
    "pieces": ("件数",),
    "edge": ("边缘",),
    "tiers": ("层数",),
    "style": ("款式", "风格"),
    "white": ("白色", "白"),
    "black": ("黑色", "黑"),
    "grey": ("灰色", "灰"),
    "gray": ("灰色",),
    "navy": ("藏青色", "藏青", "海军蓝", "深蓝"),
    "sage": ("鼠尾草绿", "灰绿色", "灰绿"),
    "sand": ("沙色", "米色"),
    "terracotta": ("陶土色", "砖红色", "陶土"),
    "blue": ("蓝色", "蓝"),
    "red": ("红色", "红"),
    "green": ("绿色", "绿"),
    "brown": ("棕色", "咖啡色"),
    "pink": ("粉色", "粉红"),
    "yellow": ("黄色",),
    "silver": ("银色",),
    "gold": ("金色",),
    "brass": ("黄铜色", "黄铜"),
    "oak": ("橡木",),
    "walnut": ("胡桃木",),
    "metal": ("金属",),
    "ceramic": ("陶瓷",),
    "glass": ("玻璃",),
    "linen": ("亚麻",),
    "cotton": ("棉", "纯棉"),
    "wool": ("羊毛",),
    "paper": ("纸质", "纸"),
    "bamboo": ("竹", "竹子"),
    "canvas": ("帆布",),
    "leather": ("皮革", "真皮"),
    "wood": ("木质", "木头", "实木", "木"),
    "aluminium": ("铝",),
    "plastic": ("塑料",),
    "stainless steel": ("不锈钢",),
    "damascus steel": ("大马士革钢",),
    "small": ("小号", "小码"),
    "medium": ("中号", "中码"),
    "large": ("大号", "大码"),
    "soft": ("偏软", "软款"),
    "firm": ("偏硬", "硬款"),
    "twin": ("单人",),
    "queen": ("双人",),
    "king": ("特大",),
    "standard": ("标准",),
    "battery": ("电池",),
    "solar": ("太阳能",),
    "natural": ("原色",),
    "round": ("圆形",),
    "rectangular": ("长方形",),
    "jasmine": ("茉莉",),
    "jute": ("黄麻",),
    "seagrass": ("海草",),
    "rattan": ("藤编", "藤"),
    "concrete": ("水泥",),
    "enamelled": ("搪瓷",),
    "pre-seasoned": ("预开锅",),
    "carbonised": ("碳化色", "碳化"),
    "juice groove": ("导流槽",),
    "plain": ("平边",),
    "sandalwood": ("檀香",),
    "cedar": ("雪松",),
    "sea salt": ("海盐",),
    "fig": ("无花果",),
}

_ZH_LONGEST_FIRST = sorted(((w, en) for en, zh in ZH_WORDS.items() for w in zh), key=lambda we: -len(we[0]))

_UNITS = {
    "l": "l", "litre": "l", "liter": "l", "litres": "l", "liters": "l", "升": "l",
    "ml": "ml", "millilitre": "ml", "milliliter": "ml", "毫升": "ml",
    "in": "in", "inch": "in", "inches": "in", '"': "in", "寸": "in", "英寸": "in",
    "cm": "cm", "厘米": "cm", "公分": "cm", "mm": "mm", "毫米": "mm",
    "oz": "oz", "ounce": "oz", "ounces": "oz", "盎司": "oz",
    "mah": "mah", "w": "w", "watt": "w", "watts": "w", "瓦": "w",
    "kg": "kg", "公斤": "kg", "g": "g", "克": "g", "cups": "cups", "cup": "cups", "杯": "cups",
}  # fmt: skip
_QUANTITY = re.compile(
    r"(?<![a-z0-9.])(\d+(?:\.\d+)?)\s*(" + "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True)) + r")"
    r"(?![a-z])(?!\s+stock)",
    re.IGNORECASE,
)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _quantity(match: re.Match[str]) -> str:
    number, unit = float(match.group(1)), _UNITS[match.group(2).lower()]
    if unit == "ml" and number >= 1000:
        number, unit = number / 1000, "l"
    return f"{number:g}{unit}"


def canonical(text: str) -> str:
    """Lower-cased, quantities in one spelling ("1 L" -> "1l", "1000 ml" -> "1l", "8 inch" -> "8in"),
    spaces collapsed; Chinese words for option values followed by the English value they mean."""
    text = _QUANTITY.sub(_quantity, text.lower())
    if _CJK.search(text):
        extra = []
        for word, en in _ZH_LONGEST_FIRST:  # 橡木 is oak, not oak and wood
            if word in text:
                extra.append(en)
                text = text.replace(word, " ")
        text = text + " " + " ".join(extra)
    return " ".join(text.split())


def zh_word(word: str) -> str:
    """How a zh reply writes an option key or value: the table's first word, else the value as given."""
    words = ZH_WORDS.get(word.lower())
    return words[0] if words else word


@lru_cache(maxsize=4096)
def value_pattern(value: str) -> re.Pattern[str]:
    """A value as it may appear in a canonical text: whole words only ("m" is not the m of "i'm")."""
    body = r"[\s-]*".join(re.escape(part) for part in canonical(value).split())
    return re.compile(r"(?<![a-z0-9'])" + body + r"(?![a-z0-9'])")
