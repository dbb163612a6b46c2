"""Bad uploads get a stable code and a sentence; nothing is kept and stored documents stay intact."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import LiveServer
from tests.documents.conftest import DOC_LIMIT, make_encrypted_pdf, make_pdf, make_zip_bomb, upload, wait_ready


def leftovers(srv: LiveServer) -> list[str]:
    incoming = srv.data_dir / "data" / "documents" / "incoming"
    return [p.name for p in incoming.iterdir()] if incoming.exists() else []


@pytest.fixture
def baseline(docs: httpx.Client) -> list[dict[str, object]]:
    doc = upload(docs, ("base.md", b"# Base\n\nA stored document that must survive bad uploads.\n")).json()
    wait_ready(docs, doc["documents"][0]["id"])
    return list(docs.get("/api/v1/documents").json()["documents"])


@pytest.mark.parametrize(("name", "data", "status", "code"), [
    ("locked.pdf", None, 422, "document_encrypted"),
    ("empty.txt", b"", 422, "document_empty"),
    ("fake.pdf", b"this is plain text, not a PDF", 422, "document_content_mismatch"),
    ("fake.docx", b"PK\x03\x04 not really a zip", 422, "document_content_mismatch"),
    ("binary.txt", b"\x00\x01\x02\xff" * 50, 422, "document_content_mismatch"),
    ("bomb.docx", None, 422, "document_zip_bomb"),
    ("../../etc/passwd.txt", b"hello", 400, "invalid_filename"),
    ("two\nlines.txt", b"hello", 400, "invalid_filename"),
    ("program.exe", b"MZ", 415, "unsupported_document_type"),
])
def test_bad_upload_is_refused_and_nothing_changes(docs: httpx.Client, baseline: list[dict[str, object]],
                                                   docs_server: LiveServer, name: str, data: bytes | None,
                                                   status: int, code: str) -> None:
    if data is None:
        data = make_encrypted_pdf() if name == "locked.pdf" else make_zip_bomb()
    r = upload(docs, (name, data))
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["code"] == code and len(error["message"]) > 10
    assert docs.get("/api/v1/documents").json()["documents"] == baseline
    assert not leftovers(docs_server), "a refused upload leaves no temporary file"


def test_a_file_over_the_limit_is_refused_while_it_streams(docs: httpx.Client, docs_server: LiveServer,
                                                           baseline: list[dict[str, object]]) -> None:
    r = upload(docs, ("big.txt", b"a" * (DOC_LIMIT + 1)))
    assert r.status_code == 413 and r.json()["error"]["code"] == "document_too_large"
    # Larger than the general body limit (1 MiB): still the upload route's own answer, so a
    # document may be as large as VENOM_DOCUMENT_MAX_BYTES whatever VENOM_MAX_BODY_BYTES says.
    r = upload(docs, ("bigger.txt", b"a" * (2 * 1024 * 1024)))
    assert r.status_code == 413 and r.json()["error"]["code"] == "document_too_large"
    assert not leftovers(docs_server)
    assert docs.get("/api/v1/documents").json()["documents"] == baseline


def test_one_bad_file_refuses_the_whole_upload(docs: httpx.Client, baseline: list[dict[str, object]]) -> None:
    r = upload(docs, ("good.pdf", make_pdf({1: "fine"})), ("empty.md", b""))
    assert r.status_code == 422 and r.json()["error"]["code"] == "document_empty"
    assert docs.get("/api/v1/documents").json()["documents"] == baseline


def test_no_file_part_and_not_multipart(docs: httpx.Client) -> None:
    r = docs.post("/api/v1/documents", json={"file": "x"})
    assert r.status_code == 415 and r.json()["error"]["code"] == "multipart_required"
    r = docs.post("/api/v1/documents", files=[("other", ("a.txt", b"x"))])
    assert r.status_code == 422 and r.json()["error"]["code"] == "no_files"
