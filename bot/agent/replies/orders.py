"""Verifying the shopper and telling them about their orders, en + zh; order statuses as they read them."""

from __future__ import annotations

from collections.abc import Mapping

from bot.types import Language

ORDERS: Mapping[str, Mapping[Language, str]] = {
    "ask_order_and_email": {
        "en": "I can check that for you. What is your order number (it looks like #W1234567), "
        "and the email address on the order?",
        "zh": "我来帮您查询。请提供您的订单号（格式如 #W1234567）以及下单时使用的邮箱地址。",
    },
    "ask_email": {
        "en": "Thanks. To confirm it's your order, what is the email address on order {order_id}?",
        "zh": "好的。为确认是您本人的订单，请提供订单 {order_id} 所用的邮箱地址。",
    },
    "ask_order_id": {
        "en": "Thanks. What is the order number? It looks like #W1234567.",
        "zh": "好的，请提供订单号（格式如 #W1234567）。",
    },
    "verify_failed": {
        "en": "I couldn't find an order with that number and email address. Please check both and send them again.",
        "zh": "未找到与该订单号和邮箱匹配的订单。请核对后重新发送订单号和邮箱。",
    },
    "order_status": {
        "en": "Order {order_id} is {status}.",
        "zh": "订单 {order_id} 当前状态：{status}。",
    },
    "order_items": {"en": "Items: {items}.", "zh": "商品：{items}。"},
    "order_tracking": {"en": "Tracking number: {tracking}.", "zh": "物流单号：{tracking}。"},
    "order_no_tracking": {
        "en": "There is no tracking number yet; you'll get one when it ships.",
        "zh": "暂时还没有物流单号，发货后即可查询。",
    },
    "order_tracking_of": {
        "en": "The tracking number for order {order_id} ({status}) is {tracking}.",
        "zh": "订单 {order_id}（{status}）的物流单号是 {tracking}。",
    },
    "order_no_tracking_pending": {
        "en": "Order {order_id} hasn't shipped yet, so there is no tracking number yet; you'll get one when it ships.",
        "zh": "订单 {order_id} 尚未发货，所以暂时还没有物流单号，发货后即可查询。",
    },
    "order_no_tracking_cancelled": {
        "en": "Order {order_id} was cancelled, so it has no tracking number.",
        "zh": "订单 {order_id} 已取消，因此没有物流单号。",
    },
    "order_no_tracking_other": {
        "en": "The shop has no tracking number on order {order_id} ({status}).",
        "zh": "订单 {order_id}（{status}）暂时没有物流单号。",
    },
    "order_items_of": {
        "en": "Order {order_id} ({status}) contains: {items}.",
        "zh": "订单 {order_id}（{status}）包含：{items}。",
    },
    "order_arrival_delivered": {
        "en": "Order {order_id} has already been delivered.",
        "zh": "订单 {order_id} 已经送达。",
    },
    "order_arrival_shipped": {
        "en": "Order {order_id} has shipped and is on its way. The shop gives me no exact delivery date; "
        "tracking number {tracking} shows where it is now.",
        "zh": "订单 {order_id} 已发货，正在配送中。系统里没有确切的送达日期；可用物流单号 {tracking} 查询最新位置。",
    },
    "order_arrival_shipped_untracked": {
        "en": "Order {order_id} has shipped and is on its way. The shop gives me no exact delivery date "
        "and no tracking number for it yet.",
        "zh": "订单 {order_id} 已发货，正在配送中。系统里没有确切的送达日期，也暂时没有物流单号。",
    },
    "order_arrival_pending": {
        "en": "Order {order_id} hasn't shipped yet, so there is no delivery date yet. "
        "You'll get a tracking number once it ships.",
        "zh": "订单 {order_id} 尚未发货，所以还没有送达日期。发货后您会收到物流单号。",
    },
    "order_arrival_cancelled": {
        "en": "Order {order_id} was cancelled, so it won't be delivered.",
        "zh": "订单 {order_id} 已取消，不会再配送。",
    },
    "order_not_yours": {
        "en": "I couldn't find order {order_id} on your account.",
        "zh": "在您的账户中没有找到订单 {order_id}。",
    },
    "which_order": {
        "en": "Which order do you mean? Your recent orders are:\n{orders}",
        "zh": "请问是哪一个订单？您最近的订单有：\n{orders}",
    },
    "order_line": {"en": "- {order_id}: {status}", "zh": "- {order_id}：{status}"},
    "no_orders": {
        "en": "I don't see any orders on your account yet.",
        "zh": "您的账户中暂时没有订单。",
    },
    "list_sep": {"en": ", ", "zh": "、"},
}

#: Order statuses as the shopper should read them, by the shop's own name (others are shown as the shop spells them).
ORDER_STATUSES: Mapping[str, Mapping[Language, str]] = {
    "pending": {"en": "pending (not shipped yet)", "zh": "待处理（尚未发货）"},
    "pending (item modified)": {
        "en": "pending, with modified items (not shipped yet)",
        "zh": "待处理，商品已修改（尚未发货）",
    },
    "processed": {"en": "processed and on its way", "zh": "已处理，正在配送中"},
    "delivered": {"en": "delivered", "zh": "已送达"},
    "cancelled": {"en": "cancelled", "zh": "已取消"},
    "return requested": {"en": "awaiting your return (return requested)", "zh": "已申请退货"},
    "exchange requested": {"en": "awaiting your exchange (exchange requested)", "zh": "已申请换货"},
}

#: Option names and values of the shop's variants in Chinese, for order items in a zh reply ("颜色：白色");
#: a word not listed is shown as the shop spells it (sizes like "750ml" or "A2" read the same in both).
OPTION_WORDS_ZH: Mapping[str, str] = {
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
