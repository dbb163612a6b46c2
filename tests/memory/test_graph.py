"""The knowledge graph from a real temporary workspace (ast) and real memories."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import LiveServer
from tests.memory.conftest import workspace


def graph(client: httpx.Client, path: str, **params: Any) -> dict[str, Any]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def ids(body: dict[str, Any]) -> set[str]:
    return {n["data"]["id"] for n in body["elements"]["nodes"]}


def edges(body: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(e["data"]["source"], e["data"]["type"], e["data"]["target"]) for e in body["elements"]["edges"]}


def test_code_graph_of_the_workspace(mem: httpx.Client) -> None:
    body = graph(mem, "/api/v1/knowledge/graph", source="code", view="full", limit=5000)
    assert body["stats"]["mock"] is False and body["stats"]["code_scanned"] is True
    nodes = ids(body)
    assert {"code:mod:shop.cart", "code:mod:shop.pricing", "code:cls:shop.cart.ShoppingCart",
            "code:fn:shop.cart.ShoppingCart.add_item", "code:fn:shop.pricing.discount", "code:ext:json"} <= nodes
    links = edges(body)
    assert ("code:mod:shop.cart", "imports", "code:mod:shop.pricing") in links
    assert ("code:mod:shop.cart", "imports", "code:ext:json") in links
    assert ("code:mod:shop.cart", "defines", "code:cls:shop.cart.ShoppingCart") in links
    assert ("code:cls:shop.cart.ShoppingCart", "defines", "code:fn:shop.cart.ShoppingCart.total") in links
    summary = mem.get("/api/v1/graph/summary").json()
    assert summary["code"]["files"] == 4 and summary["code"]["node_types"]["class"] == 1
    assert [e["path"] for e in summary["code"]["errors"]] == ["broken.py"]


def test_scan_picks_up_new_files(mem: httpx.Client, memory_server: LiveServer) -> None:
    (workspace(memory_server) / "shop" / "invoice.py").write_text(
        "from shop.cart import ShoppingCart\n\n\ndef render_invoice(cart: ShoppingCart) -> str:\n    return ''\n")
    before = graph(mem, "/api/v1/knowledge/graph", source="code", view="full")
    assert "code:fn:shop.invoice.render_invoice" not in ids(before)
    scanned = mem.post("/api/v1/graph/scan").json()
    assert scanned["status"] == "success" and scanned["files"] == 5
    after = graph(mem, "/api/v1/knowledge/graph", source="code", view="full")
    assert "code:fn:shop.invoice.render_invoice" in ids(after)
    assert ("code:mod:shop.invoice", "imports", "code:mod:shop.cart") in edges(after)


def test_memory_graph_entities_sessions_and_similarity(mem: httpx.Client) -> None:
    a = mem.post("/api/v1/memory/ingest", json={
        "text": "Alice Cooper reviewed the ShoppingCart total in cart.py and found the discount bug.",
        "session_id": "graph-session"}).json()["ids"][0]
    b = mem.post("/api/v1/memory/ingest", json={
        "text": "The ShoppingCart total applies the discount twice; Alice Cooper found this bug in cart.py.",
        "session_id": "graph-session"}).json()["ids"][0]
    body = graph(mem, "/api/v1/memory/graph", session_id="graph-session", view="full")
    nodes = ids(body)
    assert {f"mem:{a}", f"mem:{b}", "session:graph-session", "ent:alice cooper", "ent:shoppingcart",
            "ent:cart.py"} <= nodes
    links = edges(body)
    assert (f"mem:{a}", "derived-from", "session:graph-session") in links
    assert (f"mem:{a}", "mentions", "ent:shoppingcart") in links
    assert (f"mem:{b}", "mentions", "ent:alice cooper") in links
    similar = [e["data"] for e in body["elements"]["edges"] if e["data"]["type"] == "similar-to"]
    assert {(s["source"], s["target"]) for s in similar} == {tuple(sorted((f"mem:{a}", f"mem:{b}")))}
    assert similar[0]["weight"] >= 0.6
    assert body["stats"]["node_types"]["memory"] == 2

    # The full Brain links the entity to the class of the same name in the workspace.
    brain = graph(mem, "/api/v1/knowledge/graph", view="full", limit=5000)
    assert ("ent:shoppingcart", "mentions", "code:cls:shop.cart.ShoppingCart") in edges(brain)
    assert ("ent:cart.py", "mentions", "code:mod:shop.cart") in edges(brain)


def test_views_and_limits(mem: httpx.Client) -> None:
    seed = mem.post("/api/v1/memory/ingest", json={
        "text": "Bob Marley plays reggae at the Kingston Festival.", "session_id": "focus-session"}).json()["ids"][0]
    focus = graph(mem, "/api/v1/memory/graph", view="focus", seed_id=f"mem:{seed}", max_hops=1)
    assert ids(focus) == {f"mem:{seed}", "session:focus-session", "ent:bob marley", "ent:kingston festival"}
    two_hops = graph(mem, "/api/v1/memory/graph", view="focus", seed_id="ent:shoppingcart", max_hops=2,
                     limit_nodes=1000)
    assert "session:graph-session" in ids(two_hops)

    small = graph(mem, "/api/v1/knowledge/graph", view="overview", limit_nodes=3)
    assert small["stats"]["nodes"] == 3 and small["stats"]["truncated"] is True
    # Overview keeps the best-connected nodes (similar-to edges are added after the choice).
    full = graph(mem, "/api/v1/knowledge/graph", view="full", limit=5000)
    degree: dict[str, int] = {}
    for source, kind, target in edges(full):
        if kind != "similar-to":
            degree[source] = degree.get(source, 0) + 1
            degree[target] = degree.get(target, 0) + 1
    chosen = ids(small)
    assert min(degree[n] for n in chosen) >= max(d for n, d in degree.items() if n not in chosen)

    missing = mem.get("/api/v1/memory/graph", params={"view": "focus", "seed_id": "mem:nope"})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "graph_node_not_found"
    no_seed = mem.get("/api/v1/knowledge/graph", params={"view": "focus"})
    assert no_seed.status_code == 422 and no_seed.json()["error"]["code"] == "seed_required"
    for path, params in [("/api/v1/memory/graph", {"limit": 0}), ("/api/v1/memory/graph", {"limit": 501}),
                         ("/api/v1/knowledge/graph", {"limit_nodes": 10_001}),
                         ("/api/v1/knowledge/graph", {"view": "galaxy"}),
                         ("/api/v1/memory/graph", {"max_hops": 7})]:
        assert mem.get(path, params=params).status_code == 422, (path, params)
