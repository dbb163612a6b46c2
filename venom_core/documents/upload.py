"""Stream a multipart upload to temporary files, counting bytes as they arrive.

FastAPI's `UploadFile` reads the whole body before the route runs, so the size limit could only
be checked afterwards; here each part named `file` is written to its own temporary file (in a
worker thread, chunk by chunk) and a part over the limit stops the upload at once with 413.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import IO, Any

from python_multipart.multipart import MultipartParser, parse_options_header

from venom_core.documents.errors import DocumentError
from venom_core.documents.service import Incoming

MAX_FILES = 20
FIELD = b"file"


class _Part:
    def __init__(self) -> None:
        self.headers: dict[bytes, bytes] = {}
        self.name: bytes | None = None
        self.filename: str | None = None
        self.path: Path | None = None
        self.fh: IO[bytes] | None = None
        self.size = 0


async def receive_files(content_type: str, body: AsyncIterator[bytes], max_bytes: int,
                        temp_file: Callable[[], Path]) -> list[Incoming]:
    kind, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise DocumentError(415, "multipart_required",
                            "Send the files as multipart/form-data, one part named `file` per file.")
    parts: list[_Part] = []
    pending: list[tuple[_Part, bytes]] = []
    state: dict[str, Any] = {"field": b"", "value": b"", "error": None}

    def on_part_begin() -> None:
        parts.append(_Part())

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["field"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["value"] += data[start:end]

    def on_header_end() -> None:
        parts[-1].headers[state["field"].lower()] = state["value"]
        state["field"] = state["value"] = b""

    def on_headers_finished() -> None:
        part = parts[-1]
        _, options = parse_options_header(part.headers.get(b"content-disposition", b""))
        part.name = options.get(b"name")
        if part.name == FIELD:
            raw = options.get(b"filename")
            part.filename = _unescape(raw.decode("utf-8", "replace")) if raw is not None else ""
            if sum(1 for p in parts if p.name == FIELD) > MAX_FILES:
                state["error"] = DocumentError(400, "too_many_files", f"Send at most {MAX_FILES} files at once.")

    def on_part_data(data: bytes, start: int, end: int) -> None:
        part = parts[-1]
        if part.name != FIELD:
            return
        part.size += end - start
        if part.size > max_bytes:
            state["error"] = DocumentError(
                413, "document_too_large", f"{part.filename} is larger than the limit of {max_bytes} bytes.")
            return
        pending.append((part, bytes(data[start:end])))

    parser = MultipartParser(boundary, {
        "on_part_begin": on_part_begin, "on_header_field": on_header_field, "on_header_value": on_header_value,
        "on_header_end": on_header_end, "on_headers_finished": on_headers_finished, "on_part_data": on_part_data,
    })

    def flush(batch: list[tuple[_Part, bytes]]) -> None:
        for part, data in batch:
            if part.fh is None:
                part.path = temp_file()
                part.fh = part.path.open("wb")
            part.fh.write(data)

    def close(remove: bool) -> None:
        for part in parts:
            if part.fh is not None:
                part.fh.close()
            if remove and part.path is not None:
                part.path.unlink(missing_ok=True)

    try:
        async for chunk in body:
            try:
                parser.write(chunk)
            except Exception:
                raise DocumentError(400, "invalid_multipart", "The multipart body could not be parsed.") from None
            if state["error"] is not None:
                raise state["error"]
            if pending:
                batch, pending[:] = list(pending), []
                await asyncio.to_thread(flush, batch)
        parser.finalize()
        files = [p for p in parts if p.name == FIELD]
        for part in files:
            if part.fh is None:  # an empty file: still a file, so the check can name it
                await asyncio.to_thread(flush, [(part, b"")])
        await asyncio.to_thread(close, False)
    except BaseException:
        await asyncio.to_thread(close, True)
        raise
    if not files:
        raise DocumentError(422, "no_files", "The request has no part named `file`.")
    return [Incoming(p.filename or "", p.path, p.size) for p in files if p.path is not None]


def _unescape(filename: str) -> str:
    """Browsers (and httpx) send a line break or a quote in a file name as %0A, %0D and %22
    (the HTML form encoding): decode exactly those, so the name check sees what the user named."""
    return filename.replace("%0A", "\n").replace("%0D", "\r").replace("%22", '"')
