"""Documents through the HTTP API: upload real files, index them, search, download, delete."""

from __future__ import annotations

import httpx

from tests.conftest import LiveServer
from tests.documents.conftest import (
    CODE_FILE,
    HTML_PAGE,
    make_docx,
    make_pdf,
    upload,
    wait_ready,
)


def test_pdf_pages_are_indexed_and_a_page_3_phrase_is_found_on_page_3(docs: httpx.Client) -> None:
    r = upload(docs, ("report.pdf", make_pdf()))
    assert r.status_code == 202, r.text
    [doc] = r.json()["documents"]
    assert doc["status"] == "queued"
    ready = wait_ready(docs, doc["id"])
    assert ready["status"] == "ready", ready
    assert ready["pages"] == 4 and ready["chunks"] == len(ready["chunk_list"]) >= 4
    assert {c["page"] for c in ready["chunk_list"]} == {1, 2, 3, 4}
    for chunk in ready["chunk_list"]:
        assert chunk["document_id"] == doc["id"] and 0 <= chunk["start"] < chunk["end"]
    hits = docs.post("/api/v1/documents/search",
                     json={"query": "lighthouse keeper turquoise ledger", "limit": 3}).json()["results"]
    assert hits[0]["document_id"] == doc["id"] and hits[0]["page"] == 3, hits
    assert hits[0]["name"] == "report.pdf"
    # Restricted to another document, it is not found there.
    other = upload(docs, ("notes.md", b"# Notes\n\nNothing about ships.\n")).json()["documents"][0]
    wait_ready(docs, other["id"])
    only = docs.post("/api/v1/documents/search", json={"query": "lighthouse keeper turquoise ledger",
                                                        "document_ids": [other["id"]]}).json()["results"]
    assert all(h["document_id"] == other["id"] for h in only)


def test_docx_html_and_code_keep_their_heading_paths(docs: httpx.Client) -> None:
    r = upload(docs, ("handbook.docx", make_docx()), ("garden.html", HTML_PAGE), ("fib.py", CODE_FILE))
    assert r.status_code == 202, r.text
    ids = {d["name"]: d["id"] for d in r.json()["documents"]}
    handbook = wait_ready(docs, ids["handbook.docx"])
    assert handbook["status"] == "ready", handbook
    safety = [c for c in handbook["chunk_list"] if "marigold" in c["text"]]
    assert safety and safety[0]["heading_path"] == ["Operations handbook", "Safety"] and safety[0]["page"] is None
    garden = wait_ready(docs, ids["garden.html"])
    roses = [c for c in garden["chunk_list"] if "secateurs" in c["text"]]
    assert roses and roses[0]["heading_path"] == ["Garden guide", "Roses"]
    assert not any("never indexed" in c["text"] for c in garden["chunk_list"])
    code = wait_ready(docs, ids["fib.py"])
    assert code["status"] == "ready" and "fibonacci" in code["chunk_list"][0]["text"]
    hit = docs.post("/api/v1/documents/search", json={"query": "when to prune roses"}).json()["results"][0]
    assert hit["document_id"] == ids["garden.html"]


def test_download_gives_the_original_and_delete_removes_everything(docs: httpx.Client) -> None:
    data = make_pdf({1: "The zebra migration crosses the Mara river in August."})
    doc = upload(docs, ("zebra ü.pdf", data)).json()["documents"][0]
    wait_ready(docs, doc["id"])
    got = docs.get(f"/api/v1/documents/{doc['id']}/file")
    assert got.status_code == 200 and got.content == data
    assert got.headers["content-disposition"].startswith('attachment; filename="zebra _.pdf"')
    assert "filename*=UTF-8''zebra%20%C3%BC.pdf" in got.headers["content-disposition"]
    query = {"query": "zebra migration Mara river"}
    found = docs.post("/api/v1/documents/search", json=query).json()["results"]
    assert any(h["document_id"] == doc["id"] for h in found)
    assert docs.delete(f"/api/v1/documents/{doc['id']}").json() == {"id": doc["id"], "deleted": True}
    assert docs.get(f"/api/v1/documents/{doc['id']}").status_code == 404
    assert docs.get(f"/api/v1/documents/{doc['id']}/file").status_code == 404
    assert docs.delete(f"/api/v1/documents/{doc['id']}").json()["error"]["code"] == "document_not_found"
    results = docs.post("/api/v1/documents/search", json=query).json()["results"]
    assert all(h["document_id"] != doc["id"] for h in results)


def test_a_restart_keeps_documents_chunks_and_the_index(docs_server: LiveServer) -> None:
    with httpx.Client(base_url=docs_server.url, timeout=60) as client:
        pdf = make_pdf({1: "Intro.", 2: "Nothing.", 3: "The obsidian kettle whistles at dawn."})
        doc = upload(client, ("keep.pdf", pdf)).json()["documents"][0]
        before = wait_ready(client, doc["id"])
    docs_server.stop()
    docs_server.start()
    from tests.memory.conftest import wait_for_memory

    wait_for_memory(docs_server.url)
    with httpx.Client(base_url=docs_server.url, timeout=60) as client:
        after = client.get(f"/api/v1/documents/{doc['id']}").json()
        assert after["status"] == "ready" and after["chunk_list"] == before["chunk_list"]
        hit = client.post("/api/v1/documents/search", json={"query": "obsidian kettle whistles"}).json()["results"][0]
        assert hit["document_id"] == doc["id"] and hit["page"] == 3
