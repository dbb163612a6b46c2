"""Folders of the workspace kept in the index: added, edited, removed and hostile files, bad
paths, deletion and a restart. Scans are asked for (`/rescan`) so no test waits on the timer."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer
from tests.documents.conftest import DOC_LIMIT, make_pdf, wait_ready

FOLDERS = "/api/v1/documents/folders"


def workspace(server: LiveServer) -> Path:
    return server.data_dir / "workspace"


def wait_synced(client: httpx.Client, folder_id: str, after: str | None = None, timeout: float = 120) -> dict[str, Any]:
    """The folder once a scan that finished later than `after` has synced it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        folder = client.get(f"{FOLDERS}/{folder_id}").json()
        if folder["status"] != "scanning" and folder["scanned_at"] and (after is None or folder["scanned_at"] > after):
            return dict(folder)
        time.sleep(0.1)
    raise AssertionError(f"folder {folder_id} did not finish a scan")


def rescan(client: httpx.Client, folder: dict[str, Any]) -> dict[str, Any]:
    assert client.post(f"{FOLDERS}/{folder['id']}/rescan").status_code == 202
    return wait_synced(client, folder["id"], after=folder["scanned_at"])


def folder_docs(client: httpx.Client, folder_id: str) -> dict[str, dict[str, Any]]:
    """The folder's documents by their path in it, each once it finished indexing."""
    docs = [d for d in client.get("/api/v1/documents").json()["documents"] if d["folder_id"] == folder_id]
    return {d["source_path"]: wait_ready(client, d["id"]) for d in docs}


def bump_mtime(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))


def test_a_folder_is_indexed_and_only_what_changed_is_read_again(docs: httpx.Client, docs_server: LiveServer) -> None:
    root = workspace(docs_server) / "notes"
    (root / "sub").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "a.md").write_text("# Alpha\n\nThe periwinkle submarine docks at pier nine.\n")
    (root / "b.txt").write_text("Bravo: the first version of this note.\n")
    (root / "sub" / "c.pdf").write_bytes(make_pdf({1: "Cover.", 2: "The vermilion glacier melts slowly."}))
    (root / "sub" / "d.py").write_text("def delta() -> str:\n    return 'delta'\n")
    (root / ".hidden" / "e.md").write_text("hidden folders are not indexed\n")
    (root / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n")

    r = docs.post(FOLDERS, json={"path": "notes"})
    assert r.status_code == 201, r.text
    folder = wait_synced(docs, r.json()["id"])
    assert folder["path"] == "notes" and folder["status"] == "synced"
    assert folder["counts"] == {"files": 4, "added": 4, "changed": 0, "removed": 0, "unchanged": 0, "skipped": 0}
    first = folder_docs(docs, folder["id"])
    assert sorted(first) == ["a.md", "b.txt", "sub/c.pdf", "sub/d.py"]
    assert all(d["status"] == "ready" for d in first.values())
    hit = docs.post("/api/v1/documents/search", json={"query": "vermilion glacier melts"}).json()["results"][0]
    assert hit["document_id"] == first["sub/c.pdf"]["id"] and hit["page"] == 2
    assert any(f["id"] == folder["id"] and f["documents"] == 4 for f in docs.get(FOLDERS).json())

    # An edit: only that file is read again, under the same id; a touch with the same bytes is not.
    (root / "b.txt").write_text("Bravo: the second version mentions a saffron lighthouse.\n")
    bump_mtime(root / "b.txt")
    bump_mtime(root / "a.md")
    folder = rescan(docs, folder)
    assert folder["counts"]["changed"] == 1 and folder["counts"]["unchanged"] == 3
    second = folder_docs(docs, folder["id"])
    assert second["b.txt"]["id"] == first["b.txt"]["id"]
    assert second["b.txt"]["sha256"] != first["b.txt"]["sha256"]
    for rel in ("a.md", "sub/c.pdf", "sub/d.py"):
        assert second[rel]["updated_at"] == first[rel]["updated_at"], rel
    hit = docs.post("/api/v1/documents/search", json={"query": "saffron lighthouse"}).json()["results"][0]
    assert hit["document_id"] == first["b.txt"]["id"]

    # A removal: its document, chunks and vectors go.
    (root / "sub" / "d.py").unlink()
    folder = rescan(docs, folder)
    assert folder["counts"]["removed"] == 1 and folder["documents"] == 3
    assert docs.get(f"/api/v1/documents/{first['sub/d.py']['id']}").status_code == 404

    # Deleting the folder takes its documents out of the index and leaves the files alone.
    r = docs.delete(f"{FOLDERS}/{folder['id']}")
    assert r.status_code == 200 and r.json() == {"id": folder["id"], "deleted": True, "documents_removed": 3}
    assert docs.get(f"/api/v1/documents/{first['a.md']['id']}").status_code == 404
    assert (root / "a.md").exists()
    assert docs.get(f"{FOLDERS}/{folder['id']}").status_code == 404


def test_hostile_files_are_skipped_with_a_reason(docs: httpx.Client, docs_server: LiveServer, tmp_path: Path) -> None:
    root = workspace(docs_server) / "hostile"
    root.mkdir()
    outside = tmp_path / "secret.txt"
    outside.write_text("a secret outside the workspace\n")
    (root / "ok.txt").write_text("A fine note about the cobalt kite.\n")
    (root / "escape.txt").symlink_to(outside)
    (root / "loop").symlink_to(root)
    os.mkfifo(root / "pipe.txt")
    (root / "big.txt").write_bytes(b"x" * (DOC_LIMIT + 1))
    (root / "fake.pdf").write_text("this is not a PDF at all\n")

    r = docs.post(FOLDERS, json={"path": str(root)})  # an absolute path inside the workspace is fine too
    assert r.status_code == 201, r.text
    folder = wait_synced(docs, r.json()["id"])
    assert folder["counts"]["added"] == 1
    reasons = {s["path"]: s for s in folder["skipped"]}
    assert "escape.txt" in reasons and "outside" in reasons["escape.txt"]["reason"]
    assert "pipe.txt" in reasons
    assert reasons["big.txt"]["code"] == "document_too_large"
    assert reasons["fake.pdf"]["code"] == "document_content_mismatch"
    assert folder["counts"]["skipped"] >= 4
    assert sorted(folder_docs(docs, folder["id"])) == ["ok.txt"]
    results = docs.post("/api/v1/documents/search", json={"query": "a secret outside the workspace"}).json()
    assert all(h["name"] != "secret.txt" for h in results["results"])


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("../outside", 422, "folder_outside_workspace"),
        ("/etc", 422, "folder_outside_workspace"),
        ("link-out", 422, "folder_outside_workspace"),
        ("no/such/folder", 404, "folder_not_found"),
        ("plain.txt", 422, "not_a_folder"),
        ("notes\nmore", 422, "invalid_folder_path"),
        ("   ", 422, "invalid_folder_path"),
        ("x" * 1000, 422, "invalid_folder_path"),  # longer than a file name may be
    ],
)
def test_bad_folder_paths_are_refused(docs: httpx.Client, docs_server: LiveServer, tmp_path: Path,
                                      path: str, status: int, code: str) -> None:
    ws = workspace(docs_server)
    if not (ws / "link-out").exists():
        (ws / "link-out").symlink_to(tmp_path)
    (ws / "plain.txt").write_text("a file\n")
    before = docs.get(FOLDERS).json()
    r = docs.post(FOLDERS, json={"path": path})
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code and r.json()["error"]["message"]
    assert docs.get(FOLDERS).json() == before


def test_bad_requests_and_duplicates(docs: httpx.Client, docs_server: LiveServer) -> None:
    (workspace(docs_server) / "dup").mkdir()
    assert docs.post(FOLDERS, json={}).status_code == 422
    assert docs.post(FOLDERS, json={"path": "dup", "extra": 1}).status_code == 422
    first = docs.post(FOLDERS, json={"path": "dup"})
    assert first.status_code == 201
    again = docs.post(FOLDERS, json={"path": "./dup/"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "folder_exists"
    assert docs.get(f"{FOLDERS}/{'0' * 32}").status_code == 404
    assert docs.get(f"{FOLDERS}/not-an-id").status_code == 422
    assert docs.post(f"{FOLDERS}/{'0' * 32}/rescan").status_code == 404
    assert docs.delete(f"{FOLDERS}/{'0' * 32}").status_code == 404
    wait_synced(docs, first.json()["id"])
    assert docs.delete(f"{FOLDERS}/{first.json()['id']}").status_code == 200


def test_a_restart_keeps_folders_and_picks_up_edits_made_while_stopped(docs_server: LiveServer) -> None:
    root = workspace(docs_server) / "kept"
    root.mkdir()
    (root / "one.md").write_text("The tangerine owl sleeps in the barn.\n")
    (root / "two.md").write_text("Two: unchanged across the restart.\n")
    with httpx.Client(base_url=docs_server.url, timeout=60) as client:
        folder = wait_synced(client, client.post(FOLDERS, json={"path": "kept"}).json()["id"])
        before = folder_docs(client, folder["id"])
    docs_server.stop()
    (root / "one.md").write_text("The tangerine owl moved to the lighthouse loft.\n")
    (root / "three.md").write_text("Three: written while Venom was stopped.\n")
    docs_server.start()
    from tests.memory.conftest import wait_for_memory

    wait_for_memory(docs_server.url)
    with httpx.Client(base_url=docs_server.url, timeout=60) as client:
        after_scan = wait_synced(client, folder["id"], after=folder["scanned_at"])
        assert after_scan["counts"]["added"] == 1 and after_scan["counts"]["changed"] == 1
        after = folder_docs(client, folder["id"])
        assert sorted(after) == ["one.md", "three.md", "two.md"]
        assert after["two.md"]["updated_at"] == before["two.md"]["updated_at"]
        assert after["one.md"]["id"] == before["one.md"]["id"]
