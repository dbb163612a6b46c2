"""With memory off, an upload is refused at once (it could never be indexed) and nothing is kept."""

from __future__ import annotations

import httpx

from tests.conftest import ServerFactory


def test_upload_with_memory_disabled_is_refused(server_factory: ServerFactory) -> None:
    srv = server_factory(VENOM_MEMORY_ENABLED="false")
    with httpx.Client(base_url=srv.url, timeout=30) as client:
        r = client.post("/api/v1/documents", files=[("file", ("a.md", b"# A\n\ntext\n"))])
        assert r.status_code == 503 and r.json()["error"]["code"] == "memory_disabled"
        assert client.get("/api/v1/documents").json() == {"documents": [], "count": 0}
        r = client.post("/api/v1/documents/search", json={"query": "anything"})
        assert r.status_code == 503 and r.json()["error"]["code"] == "memory_disabled"
    originals = srv.data_dir / "data" / "documents" / "originals"
    assert not originals.exists() or not any(originals.iterdir())
