"""English-script person names found by gazetteer: first and last names shipped with Faker, plus name shapes."""

from __future__ import annotations

import functools
import importlib
import logging
import pkgutil
import re
from dataclasses import dataclass
from typing import Iterable

log = logging.getLogger(__name__)

# A word of a name: Latin letters with accents, inner apostrophes and hyphens ("O'Neil", "Jean-Luc").
_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:['’-][A-Za-z\u00c0-\u024f]+)*\.?")
_INITIAL = re.compile(r"[A-Z]\.?")
_PLACE_WORD = re.compile(r"(?<![A-Za-z\u00c0-\u024f'’-])[A-Z][a-z\u00c0-\u024f]+(?![A-Za-z\u00c0-\u024f'’-])")
#: Lower-case particles inside a surname ("Willemine ten Pas", "Ana da Silva").
_PARTICLES = frozenset("van von der den de da das do dos del della di du la le ten ter bin al el".split())
#: Words that end a street name (English and the common continental ones).
_STREETS = frozenset(
    "Street St Road Rd Avenue Ave Lane Ln Drive Dr Court Ct Place Pl Square Sq Boulevard Blvd Way Terrace "
    "Crescent Close Gardens Parkway Highway Hwy Trail Circle Plaza Row Alley Mews Bypass Turnpike Pass "
    "Coves Cove Prairie Union Squares Strasse Straße Gasse Weg Platz Allee Rua Calle Via Avenida Vicolo "
    "Boulevard Rue Chemin Gade Vej Gata Gatan Katu Tie Utca Ulica".split()
)
#: Capitalised words that end a street, a firm or a product; a "name" followed by one is not a person.
_NOT_AFTER = _STREETS | frozenset(
    "Park Bridge Hill Heights Inc Ltd LLC Corp Corporation Company Co Group Bank Hotel Hospital University "
    "College School Airport Station Mall Center Centre Store Shop Pro Max Mini Plus Ultra Air Edition "
    "Series".split()
)
#: Capitalised words that are never names here even though some locale lists them (greetings, shop words).
_NEVER = frozenset(
    "I A An The Hi Hello Hey Dear Thanks Thank Please Sorry Yes No Ok Okay My Your Our This That It Its "
    "Order Item Product Price Card Box Apt Suite Unit Address Name Phone Email Mr Mrs Ms Miss Dr Sir Madam "
    "Customer Support Team "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July "
    "August September October November December Christmas Easter English French German Spanish Chinese "
    "Amazon Paypal PayPal Visa Mastercard Apple Google Nike Adidas Samsung".split()
)
#: Titles before a name: whatever capitalised word follows is taken as the name.
_TITLES = frozenset("Mr Mrs Ms Miss Mx Dr Prof Sir Madam Mister Missus".split())


@dataclass(frozen=True)
class NameHit:
    """A person name span found by the gazetteer; score says how sure the shape is."""

    start: int
    end: int
    score: float


class NameGazetteer:
    """First and last names of many locales (from Faker's data), matched on capitalised word runs."""

    def __init__(
        self,
        first: Iterable[str],
        last: Iterable[str],
        ambiguous: Iterable[str] = (),
        english: Iterable[str] = (),
        places: Iterable[str] = (),
    ) -> None:
        self.first = frozenset(first) - _NEVER
        self.last = frozenset(last) - _NEVER
        self.ambiguous = frozenset(ambiguous)
        """Names that are also English words (Will, Grace, Price): never a name on their own."""
        self.english = frozenset(english)
        """Lower-case English words: an unknown capitalised word among them is not taken for a name."""
        self.places = frozenset(places)
        """One-word countries, states and cities: a lone "Victoria" or "Paris" is left to spaCy."""
        self._not_lower = self.ambiguous | self.places
        self._common = _english_non_nouns()

    @classmethod
    @functools.lru_cache(maxsize=1)
    def load(cls) -> NameGazetteer:
        """From the installed faker package (no network), built once; empty when faker is missing."""
        first, last = _faker_names()
        return cls(first, last, _english_names(first | last), english_words(), _faker_places())

    def __bool__(self) -> bool:
        return bool(self.first or self.last)

    def known(self, word: str) -> bool:
        return word in self.first or word in self.last

    def _capitalise_names(self, text: str) -> str:
        """A text typed all in lower case, with known names (and an unknown word after one) capitalised."""
        from spacy.lang.en.stop_words import STOP_WORDS

        chars = list(text)
        found = list(_WORD.finditer(text))
        for i, m in enumerate(found):
            word = m.group(0).rstrip(".")
            title = word[:1].upper() + word[1:]
            if not self.known(title) or title in self._not_lower or word in _LOWER_NOT_NAMES or word in STOP_WORDS:
                continue
            nxt = found[i + 1] if i + 1 < len(found) and text[m.end() : found[i + 1].start()] == " " else None
            pair = nxt is not None and len(nxt.group(0)) > 2 and not self.is_english(nxt.group(0).rstrip("."))
            # A lone name must not be an English word ("story", "friend"); a pair may ("lena andersson").
            if pair or not self.is_english(word):
                for start in [m.start()] + ([nxt.start()] if pair and nxt is not None else []):
                    upper = text[start].upper()
                    chars[start] = upper if len(upper) == 1 else text[start]
        return "".join(chars)

    def find_places(self, text: str) -> list[NameHit]:
        """Street addresses ("77 King Street"), big cities, and one-word towns from the place list."""
        out = [NameHit(m.start(), m.end(), 0.8) for m in _STREET_ADDRESS.finditer(text)]
        out += [NameHit(m.start(), m.end(), 0.8) for m in _CITY.finditer(text)]
        for m in _PLACE_WORD.finditer(text):
            word = m.group(0)
            if word in self.places and not self.known(word) and word not in _NEVER and len(word) > 3:
                if word.lower() not in self._common:
                    out.append(NameHit(m.start(), m.end(), 0.8))
        return out

    def is_english(self, word: str) -> bool:
        """The word, or its stem without a plural or tense ending, is an English word."""
        w = word.lower()
        stems = [w]
        if w.endswith("s"):
            stems += [w[:-1], w[:-2], w[:-3] + "y"]
        if w.endswith("ed"):
            stems += [w[:-1], w[:-2]]
        if w.endswith("ing"):
            stems += [w[:-3], w[:-3] + "e"]
        return any(s in self.english for s in stems if len(s) > 1)

    def _english(self, word: str) -> bool:
        return word.lower() in self.english or "'" in word or "’" in word

    def find(self, text: str) -> list[NameHit]:
        """Runs of capitalised words that look like a person's name."""
        hits: list[NameHit] = []
        if not any(c.isupper() for c in text):
            text = self._capitalise_names(text)
        words = [_word(m) for m in _WORD.finditer(text)]
        i = 0
        while i < len(words):
            run = self._run(text, words, i)
            if not run:
                i += 1
                continue
            for segment, titled in _segments(words, run):
                nxt = segment[-1] + 1
                joined = nxt < len(words) and _joined(text, words[segment[-1]][1], words[nxt][0])
                hit = self._judge(words, segment, titled, words[nxt][2] if joined else "")
                if hit is not None:
                    hits.append(hit)
            i = run[-1] + 1
        return hits

    # ------------------------------------------------------------------ internals

    def _run(self, text: str, words: list[tuple[int, int, str]], i: int) -> list[int]:
        """Indexes of the capitalised words (with initials and particles) that start at words[i]."""
        if not _capitalised(words[i][2]):
            return []
        run = [i]
        j = i + 1
        while j < len(words) and _joined(text, words[j - 1][1], words[j][0]):
            w = words[j][2]
            if _capitalised(w) or _INITIAL.fullmatch(w):
                run.append(j)
            elif w in _PARTICLES and j + 1 < len(words) and _capitalised(words[j + 1][2]):
                run.append(j)
            else:
                break
            j += 1
        return run

    def _judge(self, words: list[tuple[int, int, str]], segment: list[int], titled: bool, after: str) -> NameHit | None:
        if after in _NOT_AFTER or any(words[k][2] in _NOT_AFTER for k in segment[1:]):
            return None  # "Gordon Terrace", "Walker Inc", "Nike Air Max"
        # A capitalised English word before a name is not part of it: "I'm Laura Bennett", "Ask Laura".
        while len(segment) > 1 and not self.known(words[segment[0]][2]) and self._english(words[segment[0]][2]):
            segment = segment[1:]
        tokens = [words[k][2] for k in segment]
        plain = [t for t in tokens if not _INITIAL.fullmatch(t) and t not in _PARTICLES]
        if not plain or len(plain) > 4:
            return None
        start, end = words[segment[0]][0], words[segment[-1]][1]
        if titled:
            return NameHit(start, end, 0.9)
        known = [t for t in plain if self.known(t)]
        if len(plain) == 1:
            word = plain[0]
            if known and word not in self.ambiguous and word not in self.places and len(word) > 2:
                return NameHit(start, end, 0.6)
            return None
        if plain[0] in self.first and plain[0] not in self.ambiguous:
            return NameHit(start, end, 0.9)  # a first name and more capitalised words: "Johannes Varvio"
        if len(known) >= 2 and any(t not in self.ambiguous for t in known):
            return NameHit(start, end, 0.9)
        # Unknown names with a name's shape: a middle initial or a particle ("Mijail C Adomo", "Pia ten Pas").
        if len(tokens) > len(plain):
            return NameHit(start, end, 0.85)
        return None


def _segments(words: list[tuple[int, int, str]], run: list[int]) -> list[tuple[list[int], bool]]:
    """A run cut at words that are never names ("The", "Hi"); a title starts a titled segment."""
    out: list[tuple[list[int], bool]] = []
    current: list[int] = []
    titled = False
    for k in run:
        word = words[k][2]
        if word in _TITLES or word in _NEVER:
            if current:
                out.append((current, titled))
            current, titled = [], word in _TITLES
            continue
        current.append(k)
    if current:
        out.append((current, titled))
    return out


def _word(m: re.Match[str]) -> tuple[int, int, str]:
    """(start, end, word) with an initial's dot and a possessive 's left out of the word."""
    word, end = m.group(0), m.end()
    if word.endswith(("'s", "’s")) and len(word) > 3:
        word, end = word[:-2], end - 2
    if word.endswith(".") and len(word) > 2:
        word, end = word[:-1], end - 1  # a full stop; an initial keeps its dot ("J.")
    return m.start(), end, word.rstrip(".")


def _capitalised(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and not word.isupper()


def _joined(text: str, end: int, start: int) -> bool:
    """Two words belong to one run when only a space separates them (or a title's dot: "Mr. Lee")."""
    gap = text[end:start]
    if gap == " ":
        return True
    before = text[max(0, end - 4) : end].split()[-1:] or [""]
    return gap in (". ", ".") and before[0] in _TITLES


def _faker_names() -> tuple[set[str], set[str]]:
    """Latin-script first and last names of every locale Faker ships (about 20k each)."""
    try:
        import faker.providers.person as person
    except ImportError:
        log.warning("faker is not installed: English names are found by spaCy and context words only")
        return set(), set()
    first: set[str] = set()
    last: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"faker.providers.person.{module.name}").Provider
        for attr, values in vars(provider).items():
            if attr.startswith("first_names"):
                first.update(_words(values))
            elif attr.startswith("last_names") or attr.endswith("last_names"):
                last.update(_words(values))
    return first, last


def _faker_places() -> set[str]:
    """One-word countries, states, provinces and cities of every locale Faker ships."""
    try:
        import faker.providers.address as address
    except ImportError:
        return set()
    places: set[str] = set()
    for module in pkgutil.iter_modules(address.__path__):
        provider = importlib.import_module(f"faker.providers.address.{module.name}").Provider
        for attr in ("countries", "cities", "city_names", "states", "provinces", "regions"):
            places.update(w for w in _words(vars(provider).get(attr, ())) if w.isalpha())
    return places | _PLACES_NAMED_LIKE_PEOPLE


def _words(values: object) -> Iterable[str]:
    # Some locales keep names as weighted dicts, some as tuples; a few define properties instead.
    if not isinstance(values, (list, tuple, dict, set, frozenset)):
        return ()
    out = []
    for value in values:
        for word in str(value).split():
            if _WORD.fullmatch(word) and _capitalised(word):
                out.append(word)
    return out


def english_words() -> frozenset[str]:
    """Lower-case English words of every part of speech (spaCy's lemma index and stop words)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset().union(STOP_WORDS, *_lemma_index())


def is_street_word(word: str) -> bool:
    """A word that ends a street name ("Terrace", "St")."""
    return word.rstrip(".") in _STREETS


def is_shop_word(word: str) -> bool:
    """A capitalised word that is never a name in a shop chat (greetings, months, brands)."""
    return word in _NEVER


@functools.lru_cache(maxsize=1)
def _lemma_index() -> tuple[frozenset[str], ...]:
    """The word lists (noun, verb, adjective, adverb) shipped inside the spaCy model's lemmatizer."""
    try:
        import spacy
        from spacy.lookups import Lookups

        from bot.privacy.ner import SPACY_MODEL

        path = spacy.util.get_package_path(SPACY_MODEL)
        tables = sorted(path.glob("**/lemmatizer/lookups/lookups.bin"))
        if not tables:
            return ()
        lookups = Lookups().from_disk(tables[0].parent)
        index = lookups.get_table("lemma_index")
        return tuple(frozenset(index[k]) for k in index.keys())
    except Exception:  # noqa: BLE001  # the model is optional; without it a small built-in list serves
        return ()


@functools.lru_cache(maxsize=1)
def _english_non_nouns() -> frozenset[str]:
    """English verbs, adjectives and adverbs (nouns include people's and places' names: WordNet has "david")."""
    lists = _lemma_index()
    if not lists:
        return frozenset()
    nouns = max(lists, key=len)
    return frozenset().union(*(s for s in lists if s is not nouns))


def _english_names(names: set[str]) -> set[str]:
    """The names that are also English verbs, adjectives or adverbs ("Will", "Grace", "Long")."""
    words = _english_non_nouns()
    return {n for n in names if n.lower() in words or n in _FALLBACK_AMBIGUOUS}


#: Places a shopper may ship to that are also given names, and that Faker's city lists lack.
_PLACES_NAMED_LIKE_PEOPLE = frozenset(
    "Paris London Sydney Austin Dallas Houston Denver Orlando Phoenix Madison Savannah Charlotte Florence "
    "Chelsea Jordan Israel India China Georgia Virginia Carolina Dakota Regina Adelaide Victoria Lorraine "
    "Alexandria Vienna Kent Dublin Berlin Milan Valencia Santiago Lima Florida Nevada Montana Aurora "
    "Jackson Lincoln Washington Cleveland Columbus Raleigh Tulsa Orange".split()
)
#: Cities a shop ships to whose names are also people's or that the place lists lack.
_CITY = re.compile(
    r"\b(?:New York|Los Angeles|San Francisco|San Diego|Las Vegas|Hong Kong|New Delhi|Rio de Janeiro|Buenos Aires"
    r"|Paris|London|Sydney|Melbourne|Toronto|Vancouver|Montreal|Seattle|Portland|Boston|Chicago|Houston|Dallas"
    r"|Austin|Denver|Atlanta|Miami|Orlando|Springfield|Manchester|Dublin|Berlin|Munich|Vienna|Milan|Madrid"
    r"|Barcelona|Tokyo|Shanghai|Beijing|Singapore|Amsterdam|Rotterdam)\b"
)
#: A house number, one to three capitalised words and a street word: "77 King Street", "350 Fifth Avenue".
_STREET_ADDRESS = re.compile(
    r"(?<![\w.-])\d{1,5}[A-Za-z]?,? (?:[A-Z][a-z\u00c0-\u024f'’-]+ ){1,3}"
    r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Terrace|Court|Ct|Place|Pl|Square|Sq"
    r"|Close|Crescent|Parkway|Highway|Hwy|Strasse|Straße)\b\.?"
)
#: Names that are also things a shopper writes about in lower case (colours, gems, plants, materials).
_LOWER_NOT_NAMES = frozenset(
    "ruby ivy daisy lily iris jasmine rosemary sage coral jade pearl amber crystal ginger olive violet hazel "
    "cherry apple berry honey candy sugar velvet silk satin denim linen cotton mercedes chanel jordan "
    "august june april may summer autumn winter dawn sky star sunny storm rain snow".split()
)
#: Names that are everyday English words a shopper writes capitalised (start of a sentence, products).
_FALLBACK_AMBIGUOUS = frozenset(
    "Will May Mark Bill Grace Hope Joy Rose Price Page Long Young King Hall Black White Brown Green Gray Grey "
    "Grant Chase Drew Guy Sky Summer Winter Autumn Dawn Art Rich Miles Frank Earl Amber Jade Ruby Pearl Crystal "
    "Ivy Holly Lily Daisy Iris Violet Olive Love Best Little Street Wood Hill Bell Cook Baker Smith Sharp Wise "
    "Strong Hunt Cross Day Early Fair Ford Fox Gay Good Hardy Hood Key Lee Low Moon North West Park Post Power "
    "Read Reed Rice Rock Sage Star Stone Storm Sweet Swift Wall Ward Wolf Worth Jordan Mercedes Chanel Cartier "
    "Dior Gucci Prada Versace Armani".split()
)
