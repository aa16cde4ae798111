"""Split Documents into retrievable chunks along their headings, sentence-aware, with metadata."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from bot.text import CJK_PUNCTUATION, HAN
from bot.types import DocKind, Document, Language, Passage

#: Largest chunk in characters. Chinese carries about twice the meaning per character.
MAX_CHARS: dict[Language, int] = {"en": 800, "zh": 400}
SECTION_SEPARATOR = " > "

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$")
# A sentence ends at . ! ? (followed by a space) or at a CJK full stop, which needs no space.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？；])")
_CJK_END = re.compile(f"[{HAN}{CJK_PUNCTUATION}]$")


@dataclass(frozen=True)
class Chunk:
    """A piece of a document as stored: its text and everything needed to filter and cite it."""

    id: str
    text: str
    source: str
    title: str
    section: str
    language: Language
    kind: DocKind
    position: int
    """Index of the chunk within its document."""
    url: str = ""
    updated_at: str = ""
    customer_id: str = ""
    doc_hash: str = ""
    """Content hash of the whole document, so ingestion can skip unchanged documents."""
    root: str = ""
    """The folder the document was ingested from ('' for documents given directly)."""

    def embedding_text(self) -> str:
        """What gets embedded and indexed: the title and heading path give a short section its topic."""
        heading = self.title + (SECTION_SEPARATOR + self.section if self.section else "")
        return f"{heading}\n{self.text}"

    def metadata(self) -> dict[str, str | int]:
        """Flat metadata for the vector store (Chroma accepts only scalars)."""
        return {
            "source": self.source,
            "title": self.title,
            "section": self.section,
            "language": self.language,
            "kind": self.kind,
            "position": self.position,
            "url": self.url,
            "updated_at": self.updated_at,
            "customer_id": self.customer_id,
            "doc_hash": self.doc_hash,
            "root": self.root,
        }

    @classmethod
    def from_metadata(cls, chunk_id: str, text: str, meta: dict[str, object]) -> Chunk:
        language: Language = "zh" if meta.get("language") == "zh" else "en"
        kind_value = str(meta.get("kind", "policy"))
        kind: DocKind = kind_value if kind_value in ("policy", "product", "order") else "policy"  # type: ignore[assignment]
        return cls(
            id=chunk_id,
            text=text,
            source=str(meta.get("source", "")),
            title=str(meta.get("title", "")),
            section=str(meta.get("section", "")),
            language=language,
            kind=kind,
            position=int(str(meta.get("position", 0))),
            url=str(meta.get("url", "")),
            updated_at=str(meta.get("updated_at", "")),
            customer_id=str(meta.get("customer_id", "")),
            doc_hash=str(meta.get("doc_hash", "")),
            root=str(meta.get("root", "")),
        )

    def passage(self, score: float) -> Passage:
        return Passage(
            id=self.id,
            text=self.text,
            source=self.source,
            title=self.title,
            section=self.section,
            kind=self.kind,
            language=self.language,
            url=self.url,
            score=score,
        )


def document_hash(doc: Document) -> str:
    """sha256 of everything that changes what is stored, except updated_at (a touched file is unchanged)."""
    parts = (doc.source, doc.title, doc.text, doc.kind, doc.language, doc.url, doc.customer_id)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def chunk_id(source: str, position: int) -> str:
    """Stable per (source, position), so a changed document overwrites its old chunks."""
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:16] + f":{position}"


def sections(text: str) -> list[tuple[list[str], str]]:
    """(heading path, body) pairs in document order; text before the first heading has an empty path."""
    result: list[tuple[list[str], str]] = []
    path: list[tuple[int, str]] = []
    body: list[str] = []

    def flush() -> None:
        content = "\n".join(body).strip()
        if content:
            result.append(([title for _, title in path], content))
        body.clear()

    for line in text.splitlines():
        match = _HEADING.match(line)
        if match:
            flush()
            level = len(match.group(1))
            path = [(lvl, t) for lvl, t in path if lvl < level] + [(level, match.group(2).strip())]
        else:
            body.append(line)
    flush()
    return result


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def pack(text: str, max_chars: int) -> list[str]:
    """Greedy packing of paragraphs, then sentences, then hard cuts, into pieces of at most max_chars."""
    units: list[tuple[str, str]] = []  # (text, separator to put before it when joined)
    for paragraph in re.split(r"\n\s*\n", text):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if len(paragraph) <= max_chars:
            units.append((paragraph, "\n\n"))
            continue
        separator = "\n\n"
        for sentence in split_sentences(paragraph):
            # A run-on "sentence" longer than a chunk gets cut; rare in prose, common in tables.
            for i in range(0, len(sentence), max_chars):
                units.append((sentence[i : i + max_chars], separator))
                separator = "" if _CJK_END.search(sentence[i : i + max_chars]) else " "
    pieces: list[str] = []
    current = ""
    for unit, separator in units:
        candidate = current + separator + unit if current else unit
        if len(candidate) <= max_chars:
            current = candidate
        else:
            pieces.append(current)
            current = unit
    if current:
        pieces.append(current)
    return pieces


def chunk_document(doc: Document, *, root: str = "", doc_hash: str | None = None) -> list[Chunk]:
    """The chunks of one document, each within MAX_CHARS of its language."""
    max_chars = MAX_CHARS.get(doc.language, MAX_CHARS["en"])
    digest = doc_hash or document_hash(doc)
    chunks: list[Chunk] = []
    for path, body in sections(doc.text):
        # The top heading is usually the document title; repeating it in every section adds noise.
        if path and path[0] == doc.title:
            path = path[1:]
        section = SECTION_SEPARATOR.join(path)
        for piece in pack(body, max_chars):
            position = len(chunks)
            chunks.append(
                Chunk(
                    id=chunk_id(doc.source, position),
                    text=piece,
                    source=doc.source,
                    title=doc.title,
                    section=section,
                    language=doc.language,
                    kind=doc.kind,
                    position=position,
                    url=doc.url,
                    updated_at=doc.updated_at,
                    customer_id=doc.customer_id,
                    doc_hash=digest,
                    root=root,
                )
            )
    return chunks
