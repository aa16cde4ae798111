"""Option words: how the shop's option names and values read in Chinese, the other words shoppers use for
them, and quantities written several ways ("1 L", "1l", "1 litre", "1000ml" are one size; "8 in", '8"',
"8 inch" another). One table for the catalogue answers, the order replies and the write flows.

The tables are the embedded engine's own (the demo shop's option words and common retail ones); a value they
do not know is still matched and shown as the catalogue spells it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

#: How a Chinese reply writes the shop's option names and values ("颜色：白色"); a word not listed is shown as
#: the shop spells it (sizes like "750ml" or "A2" read the same in both).
DISPLAY_ZH: Mapping[str, str] = {
    # Option names.
    "color": "颜色", "colour": "颜色", "size": "尺寸", "material": "材质", "capacity": "容量", "type": "类型",
    "scent": "香味", "firmness": "软硬度", "frame": "框架", "shade": "灯罩", "length": "长度", "power": "供电",
    "finish": "表面处理", "lid": "盖子", "pieces": "件数", "edge": "边缘", "tiers": "层数", "style": "款式",
    "storage": "存储容量", "screen size": "屏幕尺寸", "features": "功能", "connectivity": "连接方式",
    "resolution": "分辨率", "waterproof": "防水", "water resistance": "防水等级", "battery life": "续航",
    "switch type": "轴体", "backlight": "背光", "ventilation": "透气", "deck material": "板面材质",
    "design": "设计", "brightness": "亮度", "weight range": "重量范围", "set type": "套装类型", "height": "高度",
    "theme": "主题", "difficulty level": "难度", "processor": "处理器", "ram": "内存", "pressure": "压力",
    "band material": "表带材质", "display": "屏幕", "stovetop compatibility": "适用炉灶", "compartment": "隔层",
    "zoom": "变焦", "armrest": "扶手", "backrest height": "靠背高度", "skin tone": "肤色", "kit size": "套装规格",
    "brand": "品牌", "bagged/bagless": "集尘方式", "power source": "电源", "room size": "适用面积",
    "filter type": "滤网类型", "scent family": "香调", "gender": "适用性别", "compatibility": "兼容",
    "piece count": "片数", "frame color": "镜框颜色", "lens color": "镜片颜色", "lens type": "镜片类型",
    "frame material": "框架材质", "strap material": "肩带材质", "dial color": "表盘颜色", "speed settings": "档位",
    "battery type": "电池类型", "sensor type": "传感器类型", "output": "输出功率", "field of view": "视角",
    "diameter": "直径", "zipper": "拉链", "color temperature": "色温", "tilt mechanism": "倾仰方式",
    "sole": "鞋底", "cover type": "外壳类型", "thickness": "厚度", "frame size": "车架尺寸",
    # Colours.
    "white": "白色", "black": "黑色", "grey": "灰色", "gray": "灰色", "navy": "藏青色", "blue": "蓝色",
    "sage": "鼠尾草绿", "sand": "沙色", "terracotta": "陶土色", "brass": "黄铜色", "red": "红色", "green": "绿色",
    "silver": "银色", "gold": "金色", "brown": "棕色", "pink": "粉色", "purple": "紫色", "yellow": "黄色",
    "orange": "橙色", "beige": "米色", "space grey": "深空灰", "rose gold": "玫瑰金", "clear": "透明",
    "transparent": "透明", "multicolor": "多色",
    # Materials.
    "oak": "橡木", "walnut": "胡桃木", "metal": "金属", "ceramic": "陶瓷", "glass": "玻璃", "linen": "亚麻",
    "paper": "纸", "bamboo": "竹", "canvas": "帆布", "leather": "皮革", "wood": "木", "aluminium": "铝",
    "aluminum": "铝", "concrete": "水泥", "seagrass": "海草", "rattan": "藤", "jute": "黄麻", "cotton": "棉",
    "stainless steel": "不锈钢", "damascus steel": "大马士革钢", "plastic": "塑料", "polyester": "涤纶",
    "synthetic": "合成材料", "rubber": "橡胶", "natural rubber": "天然橡胶", "silicone": "硅胶", "nylon": "尼龙",
    "iron": "铁", "steel": "钢", "carbon fiber": "碳纤维", "fabric": "布艺", "mesh": "网布", "wool": "羊毛",
    "memory foam": "记忆棉", "foam": "泡沫", "carbon": "活性炭",
    # Sizes, levels and the like.
    "small": "小号", "medium": "中号", "large": "大号", "soft": "软", "firm": "硬", "twin": "单人",
    "queen": "双人", "king": "特大", "standard": "标准", "hand": "毛巾", "bath": "浴巾", "sheet": "大浴巾",
    "natural": "原色", "matte": "哑光", "glossy": "亮面", "solar": "太阳能", "plug-in": "插电", "battery": "电池",
    "plain": "平边", "bevelled": "斜边", "juice groove": "导流槽", "carbonised": "碳化色", "round": "圆形",
    "rectangular": "长方形", "pre-seasoned": "预开锅", "enamelled": "搪瓷", "sea salt": "海盐", "cedar": "雪松",
    "fig": "无花果", "jasmine": "茉莉", "sandalwood": "檀香",
    "yes": "是", "no": "否", "none": "无", "low": "低", "high": "高",
    "fixed": "固定", "adjustable": "可调节", "wireless": "无线", "wired": "有线", "electric": "电动",
    "manual": "手动", "portable": "便携", "beginner": "初级", "intermediate": "中级", "advanced": "高级",
    "expert": "专家级", "men": "男款", "women": "女款", "unisex": "男女通用", "full size": "全尺寸",
    "polarized": "偏光", "quiet operation": "静音", "high-back": "高靠背", "mid-back": "中靠背",
    "low-back": "低靠背", "gas": "燃气", "induction": "电磁炉", "bagged": "集尘袋式", "bagless": "无尘袋式",
    "custom": "定制", "graphic": "图案", "art": "艺术", "animals": "动物", "fantasy": "奇幻",
}  # fmt: skip

#: Other Chinese words shoppers use for a value or name, beside the one DISPLAY_ZH shows.
SAID_ZH: Mapping[str, tuple[str, ...]] = {
    "color": ("颜色款",),
    "size": ("尺码", "大小",),
    "material": ("材料",),
    "scent": ("香型",),
    "frame": ("画框",),
    "power": ("电源",),
    "finish": ("饰面",),
    "style": ("风格",),
    "white": ("白",),
    "black": ("黑",),
    "grey": ("灰",),
    "navy": ("藏青", "海军蓝", "深蓝",),
    "sage": ("灰绿色", "灰绿",),
    "sand": ("米色",),
    "terracotta": ("砖红色", "陶土",),
    "blue": ("蓝",),
    "red": ("红",),
    "green": ("绿",),
    "brown": ("咖啡色",),
    "pink": ("粉红",),
    "brass": ("黄铜", "铜色",),
    "cotton": ("纯棉",),
    "paper": ("纸质",),
    "bamboo": ("竹子",),
    "leather": ("真皮",),
    "wood": ("木质", "木头", "实木",),
    "small": ("小码",),
    "medium": ("中码",),
    "large": ("大码",),
    "soft": ("偏软", "软款",),
    "firm": ("偏硬", "硬款",),
    "rattan": ("藤编",),
    "carbonised": ("碳化",),
    "yellow": ("黄",),
    "purple": ("紫",),
    "orange": ("橘色",),
    "S": ("小号", "S码",),
    "M": ("中号", "M码",),
    "L": ("大号", "L码",),
    "XL": ("加大", "特大号", "XL码",),
}  # fmt: skip
#: One-character words that name a value: colours and plain materials (高, 是 or 无 are parts of other words).
_ONE_CHARACTER = frozenset("白黑灰蓝红绿黄紫粉棕木竹纸藤")


def zh_word(word: str) -> str:
    """How a Chinese reply writes an option name or value; the word itself when the table has none."""
    return DISPLAY_ZH.get(word.strip().lower(), word)


def zh_words(value: str) -> tuple[str, ...]:
    """Every Chinese word that names this value ("white": 白色, 白), as a shopper may write it."""
    key = value if value in SAID_ZH else value.strip().lower()
    shown = DISPLAY_ZH.get(value.strip().lower())
    words = ((shown,) if shown else ()) + tuple(SAID_ZH.get(key, ()))
    return tuple(w for w in dict.fromkeys(words) if len(w) > 1 or w in _ONE_CHARACTER)


def _by_word() -> list[tuple[str, tuple[str, ...]]]:
    """Each Chinese word and the values it names (小号: small and S), longest word first."""
    named: dict[str, list[str]] = {}
    for en in sorted({*DISPLAY_ZH, *SAID_ZH}):
        for word in zh_words(en):
            named.setdefault(word, []).append(en.lower())
    return sorted(((w, tuple(dict.fromkeys(ens))) for w, ens in named.items()), key=lambda we: -len(we[0]))


_ZH_LONGEST_FIRST = _by_word()

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
        extra: list[str] = []
        for word, values in _ZH_LONGEST_FIRST:  # 橡木 is oak, not oak and wood
            if word in text:
                extra.extend(values)
                text = text.replace(word, " ")
        text = text + " " + " ".join(extra)
    return " ".join(text.split())


@lru_cache(maxsize=4096)
def value_pattern(value: str) -> re.Pattern[str]:
    """A value as it may appear in a canonical text: whole words only ("m" is not the m of "i'm")."""
    body = r"[\s-]*".join(re.escape(part) for part in canonical(value).split())
    return re.compile(r"(?<![a-z0-9'])" + body + r"(?![a-z0-9'])")
