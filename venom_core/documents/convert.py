"""Files to structured text: sections, each with its page (from 1) and its heading path.

Blocking code (the service runs it in a worker thread). One library per format, each small,
pure Python or with wheels, and no network or model at run time (docs/MEMORY.md says why):
pypdf (pages), python-docx (heading styles), python-pptx (one page per slide), openpyxl (one
section per sheet); HTML, Markdown, plain text and source code are read with the standard library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from venom_core.documents.errors import DocumentError

MAX_SHEET_CELLS = 200_000  # a spreadsheet is read up to this many cells


@dataclass(frozen=True)
class Section:
    text: str
    page: int | None = None
    headings: tuple[str, ...] = ()


@dataclass
class Converted:
    sections: list[Section] = field(default_factory=list)
    pages: int | None = None


def convert(path: Path, kind: str, name: str) -> Converted:
    try:
        result: Converted = _CONVERTERS[kind](path)
    except DocumentError:
        raise
    except Exception as exc:  # a damaged file: the libraries raise many types
        raise DocumentError(422, "document_unreadable",
                            f"{name} could not be read as {kind}: {type(exc).__name__}: {exc}"[:500]) from exc
    if not any(s.text.strip() for s in result.sections):
        raise DocumentError(422, "document_no_text", f"{name} contains no text that can be extracted.")
    return result


def _pdf(path: Path) -> Converted:
    from pypdf import PdfReader

    reader = PdfReader(path)
    if reader.is_encrypted and not reader.decrypt(""):
        raise DocumentError(422, "document_encrypted",
                            "The PDF is protected by a password; remove the protection and upload it again.")
    sections = [Section(_tidy(page.extract_text() or ""), n) for n, page in enumerate(reader.pages, start=1)]
    return Converted(sections, len(sections))


def pdf_is_locked(path: Path) -> bool:
    """True for a PDF that needs a password (checked at upload, before the file is kept)."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(path)
        return bool(reader.is_encrypted and not reader.decrypt(""))
    except Exception:
        return False  # not readable at all: the conversion reports it


def _docx(path: Path) -> Converted:
    import docx

    document = docx.Document(str(path))
    out = _Outline()
    for paragraph in document.paragraphs:
        style = paragraph.style.name if paragraph.style is not None else ""
        level = _heading_level(style)
        if level is not None and paragraph.text.strip():
            out.heading(level, paragraph.text.strip())
        else:
            out.text(paragraph.text)
    for table in document.tables:
        for row in table.rows:
            out.text("\t".join(cell.text for cell in row.cells))
    return Converted(out.done(), None)


def _heading_level(style: str) -> int | None:
    if style == "Title":
        return 1
    match = re.fullmatch(r"Heading (\d)", style)
    return int(match.group(1)) if match else None


def _pptx(path: Path) -> Converted:
    from pptx import Presentation

    deck = Presentation(str(path))
    sections: list[Section] = []
    for n, slide in enumerate(deck.slides, start=1):
        title_shape = slide.shapes.title
        title = title_shape.text_frame.text.strip() if title_shape is not None and title_shape.has_text_frame else ""
        texts = [shape.text_frame.text for shape in slide.shapes
                 if shape.has_text_frame and shape is not title_shape]
        sections.append(Section(_tidy("\n".join(texts)), n, (title,) if title else ()))
    return Converted(sections, len(sections))


def _xlsx(path: Path) -> Converted:
    import openpyxl  # type: ignore[import-untyped]

    # A file object: openpyxl refuses a path whose suffix is not .xlsx (originals are `<id>.bin`).
    fh = path.open("rb")
    book = openpyxl.load_workbook(fh, read_only=True, data_only=True)
    sections: list[Section] = []
    cells = 0
    try:
        for sheet in book.worksheets:
            lines: list[str] = []
            for row in sheet.iter_rows(values_only=True):
                cells += len(row)
                if cells > MAX_SHEET_CELLS:
                    break
                values = ["" if v is None else str(v) for v in row]
                if any(values):
                    lines.append("\t".join(values).rstrip())
            sections.append(Section("\n".join(lines), None, (sheet.title,)))
    finally:
        book.close()
        fh.close()
    return Converted(sections, None)


class _Outline:
    """Text with a heading path: headings close the section before them."""

    def __init__(self) -> None:
        self.path: list[tuple[int, str]] = []
        self.lines: list[str] = []
        self.sections: list[Section] = []

    def heading(self, level: int, title: str) -> None:
        self._flush()
        while self.path and self.path[-1][0] >= level:
            self.path.pop()
        self.path.append((level, title))
        self.lines.append(title)  # the heading is part of its section's text (searchable)

    def text(self, line: str) -> None:
        self.lines.append(line)

    def _flush(self) -> None:
        text = _tidy("\n".join(self.lines))
        if text:
            self.sections.append(Section(text, None, tuple(t for _, t in self.path)))
        self.lines = []

    def done(self) -> list[Section]:
        self._flush()
        return self.sections


class _Html(HTMLParser):
    BLOCKS = frozenset({"p", "div", "br", "li", "tr", "section", "article", "table", "ul", "ol", "pre",
                        "blockquote", "header", "footer", "main", "nav", "dd", "dt"})
    SKIP = frozenset({"script", "style", "noscript", "template", "head"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.outline = _Outline()
        self.buffer: list[str] = []
        self.level: int | None = None
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif re.fullmatch(r"h[1-6]", tag):
            self._line()
            self.level = int(tag[1])
        elif tag in self.BLOCKS:
            self._line()

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif re.fullmatch(r"h[1-6]", tag) and self.level is not None:
            title = " ".join("".join(self.buffer).split())
            self.buffer = []
            if title:
                self.outline.heading(self.level, title)
            self.level = None
        elif tag in self.BLOCKS:
            self._line()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.buffer.append(data)

    def _line(self) -> None:
        if self.level is None and self.buffer:
            self.outline.text(" ".join("".join(self.buffer).split()))
            self.buffer = []


def _html(path: Path) -> Converted:
    parser = _Html()
    parser.feed(_read_text(path))
    parser.close()
    parser._line()
    return Converted(parser.outline.done(), None)


MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


def _markdown(path: Path) -> Converted:
    out = _Outline()
    fenced = False
    for line in _read_text(path).splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        match = None if fenced else MD_HEADING.match(line)
        if match:
            out.heading(len(match.group(1)), match.group(2))
        else:
            out.text(line)
    return Converted(out.done(), None)


def _text(path: Path) -> Converted:
    return Converted([Section(_tidy(_read_text(path)))], None)


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DocumentError(422, "document_content_mismatch",
                            "The file is not UTF-8 text, although its extension says it is text.") from None


def _tidy(text: str) -> str:
    """Trailing spaces off, runs of blank lines to one: spans then index clean text."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_CONVERTERS: dict[str, Any] = {
    "pdf": _pdf, "docx": _docx, "pptx": _pptx, "xlsx": _xlsx, "html": _html,
    "markdown": _markdown, "text": _text, "code": _text,
}
