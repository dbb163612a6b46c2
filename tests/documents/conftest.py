"""One memory-enabled server for the document tests (the embedding model loads once), and real
files written with the same libraries users' files come from."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer
from tests.memory.conftest import wait_for_memory

DOC_LIMIT = 300_000  # VENOM_DOCUMENT_MAX_BYTES of the test server (VENOM_MAX_BODY_BYTES stays at its 1 MiB)


@pytest.fixture(scope="session")
def docs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("docs-server")
    (root / "workspace").mkdir()
    srv = LiveServer(data_dir=root, env={"VENOM_RATE_LIMIT_ENABLED": "false", "VENOM_MEMORY_ENABLED": "true",
                                         "VENOM_DOCUMENT_MAX_BYTES": str(DOC_LIMIT)})
    srv.start()
    try:
        status = wait_for_memory(srv.url)
        assert status["status"] == "online", status
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def docs(docs_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=docs_server.url, timeout=60) as client:
        yield client


def upload(client: httpx.Client, *files: tuple[str, bytes]) -> httpx.Response:
    return client.post("/api/v1/documents", files=[("file", (name, data)) for name, data in files])


def wait_ready(client: httpx.Client, doc_id: str, timeout: float = 180.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        doc = client.get(f"/api/v1/documents/{doc_id}").json()
        if doc["status"] in {"ready", "failed"}:
            return dict(doc)
        time.sleep(0.2)
    raise AssertionError(f"document {doc_id} did not finish indexing")


PAGE_TEXT = {
    1: "Quarterly overview. The team shipped the new storage engine and reduced costs.",
    2: "Hiring plans. Two engineers join the platform group in the spring.",
    3: "The lighthouse keeper Bartholomew Quimby logs every storm in a turquoise ledger.",
    4: "Appendix. Glossary of terms used in this report.",
}


def make_pdf(pages: dict[int, str] = PAGE_TEXT) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for n in sorted(pages):
        pdf.add_page()
        pdf.multi_cell(0, 8, pages[n])
    return bytes(pdf.output())


def make_encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf())))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Operations handbook", level=1)
    document.add_paragraph("How the office runs day to day.")
    document.add_heading("Safety", level=2)
    document.add_paragraph("Fire drills happen on the first Monday of each month at the marigold assembly point.")
    document.add_heading("Travel", level=1)
    document.add_paragraph("Book trains at least two weeks ahead.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_zip_bomb() -> bytes:
    """A small DOCX-shaped zip whose one member inflates to 200 MB (zeros compress ~1000:1)."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            block = b"\0" * (1 << 20)
            for _ in range(200):
                member.write(block)
    return out.getvalue()


HTML_PAGE = (
    b"<html><head><title>t</title><style>p{color:red}</style></head><body>"
    b"<h1>Garden guide</h1><p>Plant bulbs in autumn.</p>"
    b"<h2>Roses</h2><p>Prune roses in late winter with sharp secateurs near the saffron fence.</p>"
    b"<script>var hidden = 'never indexed';</script></body></html>"
)

CODE_FILE = b'def fibonacci(n: int) -> int:\n    """Return the nth Fibonacci number."""\n' \
            b"    return n if n < 2 else fibonacci(n - 1) + fibonacci(n - 2)\n"
