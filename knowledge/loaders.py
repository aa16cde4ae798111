"""Turn files (Markdown, text, HTML, PDF, product catalogues) into Documents; unreadable files are reported."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable

from bot.errors import BadInput
from bot.text import document_language
from bot.types import DocKind, Document, Language
from knowledge.catalogue import CATALOGUE_SUFFIXES, FieldMapping, load_catalogue

TEXT_SUFFIXES = frozenset({".md", ".markdown", ".txt", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
PDF_SUFFIXES = frozenset({".pdf"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES | CATALOGUE_SUFFIXES
# Formats the design promises but nothing implements yet: say so instead of guessing.
PLANNED_SUFFIXES = frozenset({".docx"})

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$")


class UnsupportedFormat(BadInput):
    """A file type the loaders cannot read (yet)."""


@dataclass(frozen=True)
class LoadResult:
    """Documents that loaded, and the files that did not with the reason why."""

    documents: list[Document] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def language_from_name(path: Path) -> Language | None:
    """The language tagged in a file name like `returns.zh.md`, if any."""
    suffixes = [s.lower() for s in path.suffixes[:-1]]
    for tag in reversed(suffixes):
        if tag in (".zh", ".zh-cn", ".zh_cn", ".cn"):
            return "zh"
        if tag in (".en", ".en-us", ".en_us"):
            return "en"
    return None


def first_heading(text: str) -> str:
    """The text of the first Markdown heading, or ''."""
    for line in text.splitlines():
        match = _HEADING.match(line)
        if match:
            return match.group(2).strip()
    return ""


def title_from_stem(path: Path) -> str:
    """`returns.zh.md` -> `Returns`; used when a file has no heading."""
    stem = path.name.split(".")[0]
    return re.sub(r"[-_]+", " ", stem).strip().capitalize() or path.name


class _ReadableHTML(HTMLParser):
    """Collects the visible text of an HTML page, with headings rewritten as Markdown headings."""

    _SKIP = frozenset({"script", "style", "noscript", "template", "svg", "head", "nav", "footer"})
    _BLOCK = frozenset({"p", "div", "section", "article", "li", "tr", "br", "table", "ul", "ol", "main", "header"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self._skip_depth = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag in self._SKIP:
            self._skip_depth += 1
        elif re.fullmatch(r"h[1-6]", tag):
            self.parts.append("\n\n" + "#" * int(tag[1]) + " ")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in self._SKIP and self._skip_depth:
            self._skip_depth -= 1
        elif re.fullmatch(r"h[1-6]", tag) or tag in ("p", "table", "ul", "ol"):
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self._skip_depth:
            return
        self.parts.append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        raw = "".join(self.parts)
        lines = [line.strip() for line in raw.splitlines()]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> tuple[str, str]:
    """(page title, readable text with Markdown headings) of an HTML document."""
    parser = _ReadableHTML()
    parser.feed(html)
    parser.close()
    return parser.title.strip(), parser.text()


def load_file(path: Path, *, source: str, kind: DocKind = "policy") -> Document:
    """One file as a Document; raises UnsupportedFormat or OSError/UnicodeDecodeError on failure."""
    suffix = path.suffix.lower()
    if suffix in PLANNED_SUFFIXES:
        raise UnsupportedFormat(
            f"{suffix} files are not supported yet (planned for a later issue); convert to Markdown or text"
        )
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedFormat(
            f"unsupported file type {suffix or '(none)'}; use .md, .txt, .html, .pdf, .csv, .json or .jsonl"
        )
    if suffix in PDF_SUFFIXES:
        text = pdf_text(path)
        title = first_heading(text) or title_from_stem(path)
    elif suffix in HTML_SUFFIXES:
        raw = path.read_text(encoding="utf-8-sig")
        page_title, text = html_to_text(raw)
        title = first_heading(text) or page_title or title_from_stem(path)
    else:
        # utf-8-sig: files saved by Windows editors start with a BOM that would end up in the title.
        text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").strip()
        title = first_heading(text) or title_from_stem(path)
    if not text.strip():
        raise BadInput("the file is empty")
    updated = datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc).isoformat(timespec="seconds")
    return Document(
        source=source,
        title=title,
        text=text,
        kind=kind,
        language=language_from_name(path) or document_language(text),
        updated_at=updated,
    )


def iter_files(root: Path) -> list[Path]:
    """Files under a folder, sorted, skipping hidden files and folders (.git, .DS_Store)."""
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def pdf_text(path: Path) -> str:
    """The text layer of a PDF, page after page; a scanned PDF without one is an error."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as exc:  # pragma: no cover - pypdf is a dependency
        raise UnsupportedFormat("reading PDF needs the pypdf package") from exc
    # pypdf logs every repair it attempts; the failure reason below is what the operator needs.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        pages = [page.extract_text() or "" for page in PdfReader(path).pages]
    except (PdfReadError, ValueError, KeyError) as exc:
        raise BadInput(f"not a readable PDF ({exc})") from exc
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text:
        raise BadInput("the PDF has no text layer (a scan?); run it through OCR first")
    return text


def load_folder(root: Path, kind: DocKind = "policy", mapping: FieldMapping | None = None) -> LoadResult:
    """Every file under root; sources are paths relative to root (posix separators)."""
    result = LoadResult()
    for path in iter_files(root):
        source = path.relative_to(root).as_posix()
        _load_into(result, path, source, kind, mapping)
    return result


def load_paths(paths: Iterable[Path], kind: DocKind = "policy", mapping: FieldMapping | None = None) -> LoadResult:
    """Files and folders; a file's source is its name, a folder's files are relative to the folder.

    Catalogue files (.csv, .json, .jsonl) give one product Document per record, read through
    `mapping`; their sources are `file#product-id`.
    """
    result = LoadResult()
    for path in paths:
        if path.is_dir():
            sub = load_folder(path, kind, mapping)
            result.documents.extend(sub.documents)
            result.failed.extend(sub.failed)
        else:
            _load_into(result, path, path.name, kind, mapping)
    return result


def _load_into(result: LoadResult, path: Path, source: str, kind: DocKind, mapping: FieldMapping | None = None) -> None:
    try:
        if path.suffix.lower() in CATALOGUE_SUFFIXES:
            documents, failed = load_catalogue(path, source=source, mapping=mapping)
            result.documents.extend(documents)
            result.failed.extend(failed)
            return
        result.documents.append(load_file(path, source=source, kind=kind))
    except BadInput as exc:
        result.failed.append((source, exc.message))
    except UnicodeDecodeError:
        result.failed.append((source, "not valid UTF-8 text"))
    except OSError as exc:
        result.failed.append((source, exc.strerror or str(exc)))
