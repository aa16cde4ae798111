"""The Harbor Goods (港湾好物) demo catalogue: 100 home & lifestyle products, bilingual, seeded."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

from bot.types import JSON
from connectors.commerce.records import JSONObject

SHOP_NAME = "Harbor Goods"
SHOP_NAME_ZH = "港湾好物"


@dataclass(frozen=True)
class _Kind:
    """A product type: the noun, its category, the option axes it varies on and a selling point."""

    en: str
    zh: str
    category: str
    price: float
    axes: dict[str, tuple[str, ...]]
    pitch_en: str
    pitch_zh: str


_COLORS = ("white", "black", "grey", "navy", "sage", "sand", "terracotta", "blue")
_KINDS = (
    _Kind(
        "Linen Duvet Cover",
        "亚麻被套",
        "Bedding & Bath",
        129.0,
        {"color": _COLORS[:6], "size": ("twin", "queen", "king")},
        "stonewashed French linen that gets softer with every wash",
        "采用石洗法国亚麻，越洗越柔软",
    ),
    _Kind(
        "Cotton Bath Towel",
        "纯棉浴巾",
        "Bedding & Bath",
        24.0,
        {"color": _COLORS, "size": ("hand", "bath", "sheet")},
        "long-staple cotton loops that dry quickly and stay fluffy",
        "长绒棉毛圈，吸水快干，蓬松不板结",
    ),
    _Kind(
        "Memory Foam Pillow",
        "记忆棉枕",
        "Bedding & Bath",
        59.0,
        {"firmness": ("soft", "medium", "firm"), "size": ("standard", "king")},
        "slow-rebound foam that supports the neck through the night",
        "慢回弹记忆棉，整夜贴合支撑颈部",
    ),
    _Kind(
        "Waffle Bathrobe",
        "华夫格浴袍",
        "Bedding & Bath",
        79.0,
        {"color": _COLORS[:4], "size": ("S", "M", "L", "XL")},
        "a light waffle weave that breathes after a warm shower",
        "轻盈华夫格织法，沐浴后透气舒适",
    ),
    _Kind(
        "Wool Throw Blanket",
        "羊毛盖毯",
        "Home Decor",
        98.0,
        {"color": _COLORS[2:], "size": ("50x60 in", "60x80 in")},
        "soft merino wool for cool evenings on the sofa",
        "柔软美利奴羊毛，适合微凉夜晚窝在沙发",
    ),
    _Kind(
        "Ceramic Vase",
        "陶瓷花瓶",
        "Home Decor",
        45.0,
        {"color": ("white", "sand", "terracotta", "sage"), "size": ("small", "medium", "large")},
        "hand-glazed stoneware with a gently uneven finish",
        "手工施釉粗陶，表面带有自然的肌理",
    ),
    _Kind(
        "Scented Candle",
        "香薰蜡烛",
        "Home Decor",
        28.0,
        {"scent": ("sea salt", "cedar", "fig", "jasmine", "sandalwood"), "size": ("8 oz", "16 oz")},
        "a clean-burning soy wax candle with a cotton wick",
        "天然大豆蜡配棉芯，燃烧干净无黑烟",
    ),
    _Kind(
        "Woven Wall Basket",
        "编织壁挂篮",
        "Home Decor",
        36.0,
        {"material": ("seagrass", "rattan", "jute"), "size": ("small", "large")},
        "hand-woven natural fibres that add texture to a bare wall",
        "天然纤维手工编织，为空墙增添质感",
    ),
    _Kind(
        "Framed Art Print",
        "装裱艺术画",
        "Home Decor",
        65.0,
        {"frame": ("oak", "black", "white"), "size": ("A4", "A3", "A2")},
        "an archival giclée print of a quiet harbour scene",
        "档案级微喷印刷，描绘宁静的港湾风景",
    ),
    _Kind(
        "Table Lamp",
        "台灯",
        "Lighting",
        89.0,
        {"color": ("white", "black", "brass"), "material": ("ceramic", "metal")},
        "a warm, dimmable light for reading corners",
        "暖光可调光，适合阅读角落",
    ),
    _Kind(
        "Floor Lamp",
        "落地灯",
        "Lighting",
        159.0,
        {"color": ("black", "brass", "white"), "shade": ("linen", "paper")},
        "an arched floor lamp that throws soft light over a sofa",
        "弧形落地灯，为沙发区洒下柔和光线",
    ),
    _Kind(
        "String Lights",
        "串灯",
        "Lighting",
        22.0,
        {"length": ("5 m", "10 m", "20 m"), "power": ("battery", "USB", "solar")},
        "warm-white micro LEDs on a flexible copper wire",
        "暖白色微型LED，柔韧铜线随意造型",
    ),
    _Kind(
        "Rechargeable Lantern",
        "充电提灯",
        "Lighting",
        48.0,
        {"color": ("black", "sand", "sage"), "capacity": ("2000 mAh", "5000 mAh")},
        "a cordless lantern for patios, camping and power cuts",
        "无线提灯，露台、露营和停电时都能用",
    ),
    _Kind(
        "Cast Iron Skillet",
        "铸铁平底锅",
        "Kitchen & Dining",
        55.0,
        {"size": ("8 in", "10 in", "12 in"), "finish": ("pre-seasoned", "enamelled")},
        "even heat from stovetop to oven, built to last for decades",
        "受热均匀，可从灶台直接进烤箱，经久耐用",
    ),
    _Kind(
        "Chef's Knife",
        "主厨刀",
        "Kitchen & Dining",
        75.0,
        {"size": ("6 in", "8 in"), "material": ("stainless steel", "damascus steel")},
        "a balanced blade that holds a keen edge",
        "刀身平衡，刃口持久锋利",
    ),
    _Kind(
        "Glass Storage Jar",
        "玻璃储物罐",
        "Kitchen & Dining",
        18.0,
        {"capacity": ("500ml", "1000ml", "1500ml"), "lid": ("bamboo", "stainless steel")},
        "airtight borosilicate glass to keep pantry staples fresh",
        "高硼硅玻璃密封保存，食材更新鲜",
    ),
    _Kind(
        "Stoneware Dinner Set",
        "粗陶餐具套装",
        "Kitchen & Dining",
        120.0,
        {"color": ("white", "sand", "navy", "sage"), "pieces": ("12 pieces", "16 pieces")},
        "reactive-glaze plates and bowls that are dishwasher safe",
        "窑变釉盘碗，可放入洗碗机",
    ),
    _Kind(
        "Pour-Over Coffee Set",
        "手冲咖啡套装",
        "Kitchen & Dining",
        64.0,
        {"material": ("glass", "ceramic"), "capacity": ("400ml", "800ml")},
        "a dripper, carafe and filters for a slow morning brew",
        "滤杯、分享壶和滤纸，享受慢悠悠的早晨",
    ),
    _Kind(
        "Insulated Water Bottle",
        "保温水杯",
        "Outdoor & Travel",
        32.0,
        {"color": _COLORS[:6], "capacity": ("500ml", "750ml", "1000ml")},
        "double-wall steel that keeps drinks cold for 24 hours",
        "双层不锈钢，冷饮保冷24小时",
    ),
    _Kind(
        "Tea Kettle",
        "烧水壶",
        "Kitchen & Dining",
        69.0,
        {"color": ("white", "black", "sage"), "capacity": ("1.0 L", "1.7 L")},
        "a quiet electric kettle with temperature presets for tea",
        "静音电水壶，预设多档泡茶温度",
    ),
    _Kind(
        "Acacia Cutting Board",
        "相思木砧板",
        "Kitchen & Dining",
        38.0,
        {"size": ("small", "medium", "large"), "edge": ("juice groove", "plain")},
        "end-grain acacia that is gentle on knife edges",
        "相思木端面拼接，不易伤刀",
    ),
    _Kind(
        "Linen Tablecloth",
        "亚麻桌布",
        "Kitchen & Dining",
        58.0,
        {"color": _COLORS[:6], "size": ("round", "rectangular")},
        "a relaxed linen cloth for everyday meals and gatherings",
        "随性亚麻桌布，日常用餐与聚会皆宜",
    ),
    _Kind(
        "Bamboo Drawer Organiser",
        "竹制抽屉收纳盒",
        "Storage & Organisation",
        26.0,
        {"size": ("small", "medium", "large"), "finish": ("natural", "carbonised")},
        "expandable bamboo dividers that tame cluttered drawers",
        "可伸缩竹制隔板，让凌乱抽屉井然有序",
    ),
    _Kind(
        "Cotton Rope Basket",
        "棉绳收纳篮",
        "Storage & Organisation",
        29.0,
        {"color": ("white", "grey", "sand", "navy"), "size": ("small", "medium", "large")},
        "a soft, sturdy basket for blankets, toys and laundry",
        "柔软结实，可收纳毯子、玩具和衣物",
    ),
    _Kind(
        "Wall Shelf",
        "墙面置物架",
        "Storage & Organisation",
        49.0,
        {"material": ("oak", "walnut", "metal"), "size": ("60 cm", "90 cm")},
        "a floating shelf with hidden brackets",
        "隐藏式支架的悬浮置物架",
    ),
    _Kind(
        "Shoe Rack",
        "鞋架",
        "Storage & Organisation",
        54.0,
        {"material": ("bamboo", "metal"), "tiers": ("2 tiers", "3 tiers", "4 tiers")},
        "a slim rack that keeps the entryway tidy",
        "纤薄鞋架，让玄关保持整洁",
    ),
    _Kind(
        "Laundry Hamper",
        "脏衣篮",
        "Storage & Organisation",
        42.0,
        {"material": ("linen", "seagrass", "canvas"), "capacity": ("60 L", "90 L")},
        "a lidded hamper with a removable washable liner",
        "带盖设计，内衬可拆洗",
    ),
    _Kind(
        "Canvas Tote Bag",
        "帆布托特包",
        "Outdoor & Travel",
        34.0,
        {"color": ("sand", "navy", "black", "sage"), "size": ("M", "L")},
        "heavy cotton canvas with an inner zip pocket",
        "厚实棉帆布，内置拉链口袋",
    ),
    _Kind(
        "Picnic Blanket",
        "野餐垫",
        "Outdoor & Travel",
        46.0,
        {"color": ("navy", "sage", "terracotta"), "size": ("150x150 cm", "200x200 cm")},
        "a water-resistant backing for damp grass and sand",
        "防水底层，潮湿草地和沙滩都能铺",
    ),
    _Kind(
        "Weekender Duffel",
        "周末旅行包",
        "Outdoor & Travel",
        110.0,
        {"color": ("black", "navy", "sand"), "material": ("canvas", "leather")},
        "a carry-on sized bag with a separate shoe compartment",
        "登机尺寸，独立鞋仓",
    ),
    _Kind(
        "Folding Beach Chair",
        "折叠沙滩椅",
        "Outdoor & Travel",
        68.0,
        {"color": ("navy", "sand", "terracotta"), "frame": ("aluminium", "wood")},
        "a lightweight chair that folds flat for the car boot",
        "轻便可折叠，平放进后备箱",
    ),
    _Kind(
        "Outdoor Cushion",
        "户外坐垫",
        "Outdoor & Travel",
        39.0,
        {"color": ("navy", "sage", "sand", "grey"), "size": ("45 cm", "60 cm")},
        "fade-resistant fabric for balconies and gardens",
        "抗褪色面料，适合阳台和花园",
    ),
    _Kind(
        "Plant Pot",
        "花盆",
        "Home Decor",
        27.0,
        {"material": ("terracotta", "ceramic", "concrete"), "size": ("small", "medium", "large")},
        "a drainage hole and saucer keep roots healthy",
        "底部排水孔加托盘，让根系更健康",
    ),
    _Kind(
        "Aroma Diffuser",
        "香薰机",
        "Home Decor",
        52.0,
        {"color": ("white", "sand", "black"), "capacity": ("100ml", "300ml")},
        "an ultrasonic mist diffuser with a gentle night light",
        "超声波雾化香薰，附柔和小夜灯",
    ),
)

_LINES = (
    (
        "Tidewater",
        "潮汐",
        "Inspired by the slow rhythm of the tide, it brings a calm, coastal feel to any room.",
        "灵感来自潮汐的舒缓节奏，为每个房间带来平静的海岸气息。",
    ),
    (
        "Lighthouse",
        "灯塔",
        "Sturdy and dependable, it is made for daily use and years of service.",
        "坚固可靠，专为日常使用打造，陪伴多年。",
    ),
    (
        "Driftwood",
        "浮木",
        "Natural textures and muted tones echo wood weathered by the sea.",
        "自然的质感与柔和的色调，宛如被海水打磨的浮木。",
    ),
    (
        "Seabreeze",
        "海风",
        "Light and airy, it suits bright rooms and relaxed weekends.",
        "轻盈通透，适合明亮的房间和惬意的周末。",
    ),
    (
        "Harbor",
        "港湾",
        "Our signature line: thoughtfully designed and made to be shared.",
        "我们的招牌系列：用心设计，适合与家人分享。",
    ),
    (
        "Pebble",
        "卵石",
        "Smooth, rounded details make it pleasant to hold and easy to clean.",
        "圆润光滑的细节，手感舒适，易于清洁。",
    ),
)


def _product_id(rng: random.Random, used: set[str]) -> str:
    while True:
        pid = str(rng.randrange(10**9, 10**10))
        if pid not in used:
            used.add(pid)
            return pid


def generate_catalogue(rng: random.Random, count: int = 100) -> dict[str, JSONObject]:
    """`count` products (product_id -> tau2 record plus name_zh, description(_zh), category, stock)."""
    pairs = list(itertools.product(range(len(_LINES)), range(len(_KINDS))))
    chosen = sorted(rng.sample(pairs, count), key=lambda p: (p[1], p[0]))
    used: set[str] = set()
    products: dict[str, JSONObject] = {}
    for line_i, kind_i in chosen:
        line, kind = _LINES[line_i], _KINDS[kind_i]
        pid = _product_id(rng, used)
        combos = list(itertools.product(*kind.axes.values()))
        picked = rng.sample(combos, rng.randint(2, min(8, len(combos))))
        variants: dict[str, JSON] = {}
        for combo in picked:
            item_id = _product_id(rng, used)
            stock = 0 if rng.random() < 0.15 else rng.randint(1, 120)
            price = round(kind.price * rng.uniform(0.85, 1.3), 2)
            variants[item_id] = {
                "item_id": item_id,
                "options": dict(zip(kind.axes.keys(), combo)),
                "available": stock > 0,
                "price": price,
                "stock": stock,
            }
        products[pid] = {
            "name": f"{line[0]} {kind.en}",
            "product_id": pid,
            "variants": variants,
            "name_zh": f"{line[1]}{kind.zh}",
            "description": f"The {line[0]} {kind.en} by {SHOP_NAME}: {kind.pitch_en}. {line[2]} "
            f"Available in {len(variants)} variants; see each option for price and stock.",
            "description_zh": f"{SHOP_NAME_ZH}{line[1]}系列{kind.zh}，{kind.pitch_zh}。{line[3]}"
            f"共有{len(variants)}种规格可选，价格和库存请见各规格。",
            "category": kind.category,
        }
    return products
