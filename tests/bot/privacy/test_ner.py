"""The cut-down spaCy pass finds what the model's full pipeline finds, with NER alone on one BLAS thread."""

from __future__ import annotations

import pytest

spacy = pytest.importorskip("spacy")

from bot.privacy.ner import SPACY_EXCLUDE, SPACY_MODEL, NerPass, load_ner  # noqa: E402

pytestmark = pytest.mark.skipif(not spacy.util.is_package(SPACY_MODEL), reason=f"{SPACY_MODEL} is not installed")

TEXTS = [
    "Hello, I moved from Portland to Rotterdam last week. Please send it to Keizersgracht 112, Amsterdam.",
    "Care of Tomomi Nishiyama at the front desk. Thanks a lot, Ines",
    "My name is Olusegun Adebayo and I live at 42 Gordon Terrace, Leeds.",
    "Is the Galaxy S24 in stock in Berlin?",
    "Hi",
]


@pytest.fixture(scope="module")
def ner() -> NerPass:
    loaded = load_ner()
    assert loaded is not None
    return loaded


def test_only_the_ner_component_runs(ner: NerPass) -> None:
    assert ner.nlp.pipe_names == ["ner"]


def test_same_entities_as_the_full_pipeline_with_blis(ner: NerPass) -> None:
    full = spacy.load(SPACY_MODEL, exclude=SPACY_EXCLUDE)  # tok2vec + ner on the default ops
    assert "tok2vec" in full.pipe_names
    for text in TEXTS:
        expected = [(e.start_char, e.end_char, e.label_) for e in full(text).ents]
        assert [(e.start_char, e.end_char, e.label_) for e in ner(text).ents] == expected, text


def test_blas_is_held_to_one_thread_during_the_pass_only(ner: NerPass) -> None:
    from spacy.language import Language
    from spacy.tokens import Doc
    from threadpoolctl import ThreadpoolController

    blas = ThreadpoolController().select(user_api="blas")
    if not blas.lib_controllers:
        pytest.skip("numpy has no BLAS library threadpoolctl can see")
    before = [c.get_num_threads() for c in blas.lib_controllers]
    seen: list[int] = []

    def spy(doc: Doc) -> Doc:
        seen.extend(c.get_num_threads() for c in blas.lib_controllers)
        return doc

    Language.component("pii_test_thread_spy", func=spy)  # re-registering replaces the earlier one
    ner.nlp.add_pipe("pii_test_thread_spy", last=True)
    try:
        ner("Tomomi Nishiyama lives in Rotterdam.")
    finally:
        ner.nlp.remove_pipe("pii_test_thread_spy")
    assert seen and set(seen) == {1}
    assert [c.get_num_threads() for c in blas.lib_controllers] == before
