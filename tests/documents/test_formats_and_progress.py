"""Slides and sheets, a damaged file that fails while indexing, and the progress events."""

from __future__ import annotations

import io
import json
import time
from typing import Any

import httpx
from websockets.sync.client import connect

from tests.conftest import LiveServer
from tests.documents.conftest import make_pdf, upload, wait_ready


def make_pptx() -> bytes:
    from pptx import Presentation

    deck = Presentation()
    for title, body in (("Welcome", "Agenda for the offsite."), ("Budget", "The cobalt fund pays for travel.")):
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = title
        slide.placeholders[1].text_frame.text = body
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def make_xlsx() -> bytes:
    import openpyxl  # type: ignore[import-untyped]

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Inventory"
    sheet.append(["item", "count"])
    sheet.append(["vermilion paint", 12])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_slides_are_pages_and_sheets_are_sections(docs: httpx.Client) -> None:
    ids = {d["name"]: d["id"] for d in upload(docs, ("deck.pptx", make_pptx()),
                                               ("stock.xlsx", make_xlsx())).json()["documents"]}
    deck = wait_ready(docs, ids["deck.pptx"])
    assert deck["status"] == "ready" and deck["pages"] == 2, deck
    budget = [c for c in deck["chunk_list"] if "cobalt" in c["text"]]
    assert budget and budget[0]["page"] == 2 and budget[0]["heading_path"] == ["Budget"]
    stock = wait_ready(docs, ids["stock.xlsx"])
    assert stock["status"] == "ready", stock
    [sheet] = stock["chunk_list"]
    assert sheet["heading_path"] == ["Inventory"] and "vermilion paint\t12" in sheet["text"]


def test_a_damaged_pdf_fails_with_its_error_and_others_stay(docs: httpx.Client) -> None:
    before = [d for d in docs.get("/api/v1/documents").json()["documents"] if d["status"] == "ready"]
    doc = upload(docs, ("broken.pdf", b"%PDF-1.7\nthis is not a real PDF body\n")).json()["documents"][0]
    failed = wait_ready(docs, doc["id"])
    assert failed["status"] == "failed" and failed["error"]["code"] in {"document_unreadable", "document_no_text"}
    assert failed["chunk_list"] == [] and failed["error"]["message"]
    after = {d["id"]: d for d in docs.get("/api/v1/documents").json()["documents"]}
    assert all(after[d["id"]] == d for d in before)


def _until(ws: Any, doc_id: str, status: str, timeout: float = 180) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        msg = json.loads(ws.recv(timeout=deadline - time.monotonic()))
        if msg["type"] == "DOCUMENT_INGEST_PROGRESS" and msg["data"]["document_id"] == doc_id:
            seen.append(msg)
            if msg["data"]["status"] == status:
                return seen
    raise AssertionError(f"no {status} event for {doc_id}: {seen}")


def test_progress_events_count_the_chunks(docs_server: LiveServer, docs: httpx.Client) -> None:
    pages = {n: f"Page {n}. " + "Words about the harbour and its boats. " * 60 for n in range(1, 6)}
    with connect(f"{docs_server.ws_url}/ws/events?types=DOCUMENT_INGEST_PROGRESS") as ws:
        doc = upload(docs, ("long.pdf", make_pdf(pages))).json()["documents"][0]
        events = _until(ws, doc["id"], "ready")
    statuses = [e["data"]["status"] for e in events]
    assert statuses[0] == "queued" and "indexing" in statuses and statuses[-1] == "ready"
    counts = [e["data"] for e in events if "chunks_done" in e["data"]]
    total = wait_ready(docs, doc["id"])["chunks"]
    assert counts[-1]["chunks_done"] == counts[-1]["chunks_total"] == total
    assert [c["chunks_done"] for c in counts] == sorted(c["chunks_done"] for c in counts)
    assert events[-1]["data"]["pages"] == 5
