"""Order items as the shopper reads them. The shop's orders spell names and options in English; a Chinese
reply shows the catalogue's Chinese name where it has one, and option names and values in Chinese words
("卵石鞋架（材质：金属，层数：2 tiers）"); a word without a Chinese name stays as the shop spells it."""

from __future__ import annotations

from collections.abc import Mapping

from bot.agent.option_words import zh_word
from bot.agent.replies import options_text
from bot.ports import InventoryBackend
from bot.types import JSON, Language


def product_name(inventory: InventoryBackend, product_id: str, name: str, lang: Language) -> str:
    """The product's name in the reply's language: its catalogue name_zh in Chinese, else `name`."""
    if lang != "zh" or not product_id:
        return name
    product = inventory.get_product(product_id)
    return product.name_zh if product is not None and product.name_zh else name


def options_in(options: Mapping[str, JSON] | JSON, lang: Language) -> str:
    """A variant's options in the reply's language: "color: white, size: M", "颜色：白色，尺寸：M"."""
    if lang != "zh" or not isinstance(options, Mapping):
        return options_text(options)
    return "，".join(f"{_zh(str(k))}：{_zh(str(v))}" for k, v in options.items())


def in_brackets(text: str, lang: Language) -> str:
    """ "(text)" in English, "（text）" in Chinese."""
    return f"（{text}）" if lang == "zh" else f"({text})"


def item_text(
    inventory: InventoryBackend, product_id: str, name: str, options: Mapping[str, JSON] | JSON, lang: Language
) -> str:
    """One item with its options: "Pebble Shoe Rack (material: metal)", "卵石鞋架（材质：金属）"."""
    shown = product_name(inventory, product_id, name, lang)
    described = options_in(options, lang)
    if not described:
        return shown
    return f"{shown}{in_brackets(described, lang)}" if lang == "zh" else f"{shown} {in_brackets(described, lang)}"


def _zh(word: str) -> str:
    return zh_word(word)
