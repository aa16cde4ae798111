"""The catalogue index: products found by a loose name or a need in either language, built once per service.

The interface (find, narrow, related, products, live, search) is what the answers and the LLM tools rely on.
Names are indexed by word (English, with plurals folded) and by character pair (Chinese), so a lookup reads
only the products sharing a word with the question: cheap at 20,000 products. Stock is never cached: every
hit is re-read from the backend.
"""

from __future__ import annotations

import math
import re
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice

from bot.agent.option_words import canonical, value_pattern
from bot.ports import InventoryBackend
from bot.types import Language, Product, Variant

#: How often (seconds at most) the index of a large catalogue checks whether the backend's products changed;
#: one of at most SMALL_CATALOGUE products is checked on every lookup (a product uploaded a moment ago is found).
REFRESH_S = 1.0
SMALL_CATALOGUE = 2_000
#: How much of a product's name the text must name (with the name's last word, its kind, always named).
MIN_SCORE = 0.5
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+(?:\.\d+)?[a-z]*")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_IRREGULAR = {"knives": "knife", "shelves": "shelf", "leaves": "leaf", "men": "man", "women": "woman"}
_STOP = frozenset(
    "a an the and or of for to in on with is are do does you u we i my me it this that any some have has can "
    "what which how much sell buy get want need looking something anything under over below than your our "
    "there please pls hi hello".split()
)


@dataclass(frozen=True)
class Hit:
    """A product the text names or describes, how well, and the variants the options it names narrow to."""

    product: Product
    score: float
    """0..1: how much of the product's name the text names."""
    options: Mapping[str, str] = field(default_factory=dict)
    """The product's options the text names (option name -> value), in the catalogue's own words."""
    variant: Variant | None = None
    """The one variant every named option fits, when the text narrows it to one."""
    fitting: tuple[Variant, ...] = ()
    """Every variant the named options fit (all of them when the text names none)."""


class CatalogueIndex:
    """Products by their names (English and Chinese), options and descriptions."""

    def __init__(self, inventory: InventoryBackend) -> None:
        self.inventory = inventory
        self._products: list[Product] = []
        self._checked = 0.0
        self._fingerprint: int | None = None
        self._names: dict[str, list[int]] = {}
        self._name_keys: list[tuple[frozenset[str], str, frozenset[str], str]] = []
        self._docs: dict[str, list[int]] = {}
        self._heads: dict[str, list[int]] = {}
        """A name's last word (its kind: lamp, 被套) -> the products: a name is found only with its kind."""
        self._zh_starts: dict[str, list[int]] = {}

    # ------------------------------------------------------------------ the interface

    def products(self) -> Sequence[Product]:
        """Every product (stock as of the last rebuild: use `live` for stock)."""
        self._refresh()
        return self._products

    def live(self, product_id: str) -> Product | None:
        """The product as the backend has it now (current stock)."""
        return self.inventory.get_product(product_id)

    def find(self, text: str, language: Language | None = None, limit: int = 5, loose: bool = False) -> list[Hit]:
        """Products the text names, best first, each narrowed by the options the text names; [] for none.
        `loose`: when no name is named well enough, those whose kind alone is named ("the beanie", "the lamp")."""
        self._refresh()
        words = self._known(terms(text))
        scored: list[tuple[float, int]] = []
        for i in self._candidates(self._heads, words) | self._whole_zh(text):
            score = self._name_score(i, words, text)
            if score >= MIN_SCORE or (loose and score > 0):
                scored.append((score, i))
        if loose and any(score >= MIN_SCORE for score, _ in scored):
            scored = [(score, i) for score, i in scored if score >= MIN_SCORE]
        scored.sort(key=lambda si: (-si[0], -len(self._products[si[1]].name)))
        found: list[Hit] = []
        for score, i in scored:
            # Read live, the best `limit` only: current stock, and a product removed since the rebuild is not offered.
            current = self.live(self._products[i].product_id)
            if current is not None:
                found.append(narrow(current, text, score))
            if len(found) == limit:
                break
        return found

    def kinds(self, text: str, limit: int = 5) -> list[Product]:
        """Products of a kind the text names (the last word of the name: "lamps" names every lamp, 被套 every
        duvet cover), those naming more of the text first, read live."""
        self._refresh()
        words = self._known(terms(text))
        scored = []
        for i in self._candidates(self._heads, words):
            en, en_head, zh, zh_head = self._name_keys[i]
            if (en_head and en_head in words) or (zh_head and zh_head in words):
                scored.append((len((en | zh) & words), i))
        scored.sort(key=lambda si: -si[0])
        found = (self.live(self._products[i].product_id) for _, i in scored)
        return list(islice((p for p in found if p is not None), limit))

    def related(self, text: str, limit: int = 5, exclude: Iterable[str] = ()) -> list[Product]:
        """Products whose name, category or description shares the text's rarer words (a need, a kind of
        thing), best first, read live; [] when no word is shared."""
        self._refresh()
        words = set(terms(text)) - _STOP
        skip = set(exclude)
        total = max(1, len(self._products))
        scores: dict[int, float] = defaultdict(float)
        for word in words:
            postings = self._docs.get(word, [])
            weight = math.log(1 + total / (1 + len(postings)))
            for i in postings:
                scores[i] += weight
        ranked = sorted(scores, key=lambda i: -scores[i])
        found: list[Product] = []
        for i in ranked:
            product = self._products[i]
            if product.product_id in skip:
                continue
            current = self.live(product.product_id)
            if current is not None:
                found.append(current)
            if len(found) == limit:
                break
        return found

    def search(self, query: str, limit: int) -> Sequence[Product]:
        """bot.agent.tools.ProductSearch: the products `find` names, else those `related` finds."""
        hits = [h.product for h in self.find(query, None, limit)]
        return hits or self.related(query, limit)

    # ------------------------------------------------------------------ matching

    def _known(self, words: list[str]) -> set[str]:
        """The words, and for one no name has, the longest start of it a name has: a name run into the
        next word ("Headphonesover-ear", "Kettle1L", "bootss") still names the product."""
        found = set(words)
        for first, second in zip(words, words[1:]):  # "bath robes" names the bathrobe
            joined = _fold(first + second)
            if joined in self._names:
                found.add(joined)
        for word in words:
            if word in self._names or len(word) < 5:
                continue
            for end in range(len(word) - 1, 3, -1):
                start = _fold(word[:end])
                if start in self._names:
                    found.add(start)
                    break
        return found

    def _candidates(self, postings: Mapping[str, list[int]], words: set[str]) -> set[int]:
        found: set[int] = set()
        for word in words:
            found.update(postings.get(word, ()))
        return found

    def _whole_zh(self, text: str) -> set[int]:
        """Products whose whole Chinese name the text holds (found by its first character pair)."""
        found = set()
        for pair in _pairs(text):
            for i in self._zh_starts.get(pair, ()):
                if self._products[i].name_zh in text:
                    found.add(i)
        return found

    def _name_score(self, i: int, words: set[str], text: str) -> float:
        en, en_head, zh, zh_head = self._name_keys[i]
        best = 0.0
        if en and en_head in words:
            best = len(en & words) / len(en)
        name_zh = self._products[i].name_zh
        if name_zh and name_zh in text:
            return 1.0
        if zh and zh_head in words:
            best = max(best, len(zh & words) / len(zh))
        return best

    # ------------------------------------------------------------------ building

    def _refresh(self) -> None:
        now = time.monotonic()
        large = len(self._products) > SMALL_CATALOGUE
        if self._fingerprint is not None and large and now - self._checked < REFRESH_S:
            return
        self._checked = now
        products = self.inventory.list_products()
        # Names and kinds are what the index holds (stock is read live): a renamed product rebuilds it.
        fingerprint = hash(tuple((p.product_id, p.name, p.name_zh, p.category, len(p.description)) for p in products))
        if fingerprint != self._fingerprint:
            self._build(list(products))
            self._fingerprint = fingerprint

    def _build(self, products: list[Product]) -> None:
        names: dict[str, list[int]] = defaultdict(list)
        heads: dict[str, list[int]] = defaultdict(list)
        zh_starts: dict[str, list[int]] = defaultdict(list)
        docs: dict[str, list[int]] = defaultdict(list)
        keys: list[tuple[frozenset[str], str, frozenset[str], str]] = []
        for i, product in enumerate(products):
            en = terms(product.name)
            zh = _pairs(product.name_zh)
            keys.append((frozenset(en), en[-1] if en else "", frozenset(zh), zh[-1] if zh else ""))
            for word in set(en) | set(zh):
                names[word].append(i)
            for head in {en[-1] if en else "", zh[-1] if zh else ""} - {""}:
                heads[head].append(i)
            if zh:
                zh_starts[zh[0]].append(i)
            text = " ".join(
                (product.name, product.name_zh, product.category, product.description, product.description_zh)
            )
            for word in set(terms(text)) - _STOP:
                docs[word].append(i)
        self._products, self._names, self._name_keys, self._docs = products, dict(names), keys, dict(docs)
        self._heads, self._zh_starts = dict(heads), dict(zh_starts)


def narrow(product: Product, text: str, score: float = 1.0) -> Hit:
    """The product's options the text names and the variants they fit (values matched as whole words, units
    and Chinese value words folded: "1000ml" names "1 L", 白色 names "white")."""
    text = text.lower() + " "
    for own in (product.name.lower(), product.name_zh):  # 亚麻 in 灯塔亚麻被套, the s of "helmets", name no option
        if own:
            text = text.replace(own + "es ", " ").replace(own + "s ", " ").replace(own, " ")
    said = canonical(text)
    named: dict[str, str] = {}
    words = set(said.split()) | set(re.findall(r"[a-z0-9.]+", said))
    for key, values in product.options_on_offer().items():
        matched = [v for v in values if value_pattern(v).search(said)]
        if not matched:
            # A value of several words named by its own word ("damascus" for "damascus steel", "150x150" for
            # "150x150 cm"), when that word names only one value.
            matched = [v for v in values if len(v.split()) > 1 and _own_words(v, values) & words]
            matched = matched if len(matched) == 1 else []
        if matched:
            named[key] = max(matched, key=len)  # "super king" over "king"
    fitting = tuple(v for v in product.variants if all(v.options.get(k) == val for k, val in named.items()))
    variant = fitting[0] if named and len(fitting) == 1 else None
    return Hit(product, score, named, variant, fitting)


def _own_words(value: str, values: list[str]) -> set[str]:
    """The words of one option value no other value of its option has ("damascus" of "damascus steel")."""
    others = {w for v in values if v != value for w in canonical(v).split()}
    return {w for w in canonical(value).split() if len(w) >= 3 and w not in others}


def terms(text: str) -> list[str]:
    """English words (plurals folded, "organizer" spelt "organiser") and Chinese character pairs."""
    lowered = text.lower()
    return [_fold(w) for w in _WORD.findall(lowered)] + _pairs(lowered)


def _pairs(text: str) -> list[str]:
    return [run[i : i + 2] for run in _CJK_RUN.findall(text) for i in range(max(1, len(run) - 1))]


def _fold(word: str) -> str:
    word = word.removesuffix("'s").replace("izer", "iser")
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("ie"):  # "beanie" and "beanies" fold alike, as "battery" and "batteries"
        return word[:-2] + "y"
    if len(word) > 4 and word.endswith("es") and word[-3] in "sxh":
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word
