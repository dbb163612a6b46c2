"""Which files are accepted, and a check that the bytes are what the extension says.

The check runs before a file is stored, on its first bytes and (for the Office formats) on the
zip's central directory, which also gives the expanded size: a zip bomb is refused from the
sizes it declares, before anything is inflated. zipfile never reads past a member's declared
size, so a member that lies about it cannot expand further either.
"""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from venom_core.documents.errors import DocumentError

CODE_SUFFIXES = frozenset({
    ".py", ".js", ".ts", ".tsx", ".jsx", ".java", ".c", ".h", ".cpp", ".hpp", ".cc", ".cs", ".go", ".rs",
    ".rb", ".php", ".swift", ".kt", ".scala", ".sh", ".sql", ".css", ".scss", ".json", ".yaml", ".yml",
    ".toml", ".ini", ".cfg", ".xml", ".lua", ".r", ".pl", ".m",
})
KINDS: dict[str, str] = {
    ".pdf": "pdf", ".docx": "docx", ".pptx": "pptx", ".xlsx": "xlsx",
    ".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown",
    ".txt": "text", ".text": "text", ".rst": "text", ".csv": "text", ".log": "text",
    **{suffix: "code" for suffix in CODE_SUFFIXES},
}
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html", "markdown": "text/markdown", "text": "text/plain", "code": "text/plain",
}
OFFICE_PART = {"docx": "word/document.xml", "pptx": "ppt/presentation.xml", "xlsx": "xl/workbook.xml"}
MAX_NAME = 255
# Office files are zips of XML: a real one expands 5-20x. The cap is on the declared total.
MAX_EXPANSION_RATIO = 100
MAX_EXPANDED_BYTES = 512 * 1024 * 1024


def check_name(name: str) -> str:
    """The user's file name, refused when it could be mistaken for a path or breaks a header."""
    if not name or len(name) > MAX_NAME:
        raise DocumentError(400, "invalid_filename", f"A file name must have 1 to {MAX_NAME} characters.")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise DocumentError(400, "invalid_filename",
                            "The file name contains a line break or another control character.")
    if "/" in name or "\\" in name or name in {".", ".."} or PurePosixPath(name).name != name:
        raise DocumentError(400, "invalid_filename",
                            f"The file name {name!r} contains a path; send the file's own name only.")
    return name


def kind_of(name: str) -> str:
    suffix = PurePosixPath(name).suffix.lower()
    kind = KINDS.get(suffix)
    if kind is None:
        known = ", ".join(sorted({".pdf", ".docx", ".pptx", ".xlsx", ".html", ".md", ".txt"}))
        raise DocumentError(415, "unsupported_document_type",
                            f"Files of type {suffix or '(no extension)'!r} are not supported "
                            f"({known} and source code are).")
    return kind


def check_content(path: Path, name: str, kind: str, size: int) -> None:
    """Refuse an empty file, content that is not what the extension says, and zip bombs."""
    if size == 0:
        raise DocumentError(422, "document_empty", f"{name} is empty (0 bytes).")
    with path.open("rb") as fh:
        head = fh.read(8192)
    if kind == "pdf":
        if not head.lstrip(b"\x00\t\n\r ").startswith(b"%PDF-"):
            raise _mismatch(name, "a PDF")
    elif kind in OFFICE_PART:
        if not head.startswith(b"PK\x03\x04"):
            raise _mismatch(name, f"a {kind.upper()} file (a zip archive)")
        _check_zip(path, name, kind, size)
    else:
        if b"\x00" in head:
            raise _mismatch(name, "text")
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:  # a character cut at the 8 KB boundary is fine
                raise _mismatch(name, "UTF-8 text") from None


def _check_zip(path: Path, name: str, kind: str, size: int) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except Exception:  # BadZipFile, and the OSError/ValueError/EOFError of a truncated archive
        raise _mismatch(name, f"a {kind.upper()} file") from None
    if OFFICE_PART[kind] not in {m.filename for m in members}:
        raise _mismatch(name, f"a {kind.upper()} file (it has no {OFFICE_PART[kind]})")
    expanded = sum(m.file_size for m in members)
    if expanded > MAX_EXPANDED_BYTES or expanded > max(size, 1) * MAX_EXPANSION_RATIO:
        raise DocumentError(422, "document_zip_bomb",
                            f"{name} would expand to {expanded} bytes from {size}: refused as a possible zip bomb.")


def _mismatch(name: str, expected: str) -> DocumentError:
    return DocumentError(422, "document_content_mismatch",
                         f"The content of {name} does not match its extension: it is not {expected}.")
