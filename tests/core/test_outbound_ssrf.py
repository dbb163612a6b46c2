"""Outbound fetches of task-chosen URLs (`/web`): no loopback, LAN or metadata address, every redirect
re-checked, the body capped. Real local HTTP servers on 127.0.0.1 play the internal services."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer, ServerFactory
from tests.local_web import SECRET, LocalWeb, local_web
from tests.sse import run_with_steps

pytestmark = pytest.mark.timeout(240)


@pytest.fixture
def web() -> Iterator[LocalWeb]:
    with local_web() as w:
        yield w


@pytest.fixture
def other_web() -> Iterator[LocalWeb]:
    with local_web() as w:
        yield w


def run_task(server: LiveServer, content: str) -> dict[str, Any]:
    with httpx.Client(base_url=server.url, timeout=120) as c:
        assert c.post("/api/v1/system/autonomy", json={"level": 10}).status_code == 200
        task = run_with_steps(c, content)
        assert c.get("/healthz").status_code == 200
    return task


def page_reads(task: dict[str, Any]) -> list[dict[str, Any]]:
    return [s["details"] for s in task["steps"] if s["details"].get("tool") == "read_page"]


def test_loopback_ipv6_unspecified_and_metadata_addresses_are_refused(server_factory: ServerFactory,
                                                                      web: LocalWeb) -> None:
    server = server_factory()
    targets = [f"{web.url}/page", f"http://localhost:{web.port}/page", f"http://[::1]:{web.port}/page",
               f"http://[::ffff:127.0.0.1]:{web.port}/page", f"http://0.0.0.0:{web.port}/page",
               "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", f"{server.url}/api/v1/config/backups"]
    for url in targets:
        task = run_task(server, f"/web {url}")
        assert task["status"] == "FAILED", url
        assert task["error"]["code"] == "outbound_address_refused", (url, task["error"])
        assert "public addresses" in task["error"]["message"]
        assert SECRET not in (task["result"] or "")
    assert web.hits == []  # never contacted
    backups = run_task(server, f"/web {server.url}/api/v1/config/backups")
    assert "backups" not in (backups["result"] or "")


def test_a_redirect_to_another_scheme_is_refused(server_factory: ServerFactory, web: LocalWeb) -> None:
    server = server_factory(VENOM_OUTBOUND_ALLOW_HOSTS=f"127.0.0.1:{web.port}")
    task = run_task(server, f"/web {web.url}/redirect?to=file:///etc/passwd")
    assert task["status"] == "FAILED"
    assert task["error"]["code"] == "outbound_scheme_refused"
    assert "root:" not in (task["result"] or "")


def test_a_redirect_from_an_allowed_host_to_loopback_is_refused(server_factory: ServerFactory, web: LocalWeb,
                                                                other_web: LocalWeb) -> None:
    server = server_factory(VENOM_OUTBOUND_ALLOW_HOSTS=f"127.0.0.1:{web.port}")
    allowed = run_task(server, f"/web {web.url}/page")
    assert allowed["status"] == "COMPLETED", allowed["error"]
    assert SECRET in allowed["result"] or page_reads(allowed)[0]["chars"] > 0
    redirected = run_task(server, f"/web {web.url}/redirect?to={other_web.url}/page")
    assert redirected["status"] == "FAILED"
    assert redirected["error"]["code"] == "outbound_address_refused"
    assert "redirect" in redirected["error"]["message"]
    assert other_web.hits == []  # the second server was never contacted
    assert "/redirect" in web.hits[-1]


def test_search_results_pointing_inside_are_not_fetched(server_factory: ServerFactory, web: LocalWeb,
                                                        other_web: LocalWeb) -> None:
    web.routes["/html/"] = (f'<html><body><a class="result__a" href="{other_web.url}/secret">internal</a>'
                            f'<a class="result__a" href="{web.url}/page">allowed</a></body></html>')
    server = server_factory(VENOM_OUTBOUND_ALLOW_HOSTS=f"127.0.0.1:{web.port}", VENOM_SEARCH_URL=f"{web.url}/html/")
    task = run_task(server, "/web what is on the local page")
    assert task["status"] == "COMPLETED", task["error"]
    reads = page_reads(task)
    assert [r.get("error") for r in reads] == ["outbound_address_refused", None]
    assert other_web.hits == []


def test_an_endless_body_stops_at_the_cap(server_factory: ServerFactory, web: LocalWeb) -> None:
    cap = 200_000
    server = server_factory(VENOM_OUTBOUND_ALLOW_PRIVATE="true", VENOM_OUTBOUND_MAX_BYTES=str(cap))
    task = run_task(server, f"/web {web.url}/endless")
    assert task["status"] == "COMPLETED", task["error"]
    read = page_reads(task)[0]
    assert read["truncated"] is True and read["bytes"] == cap


def test_too_many_redirects(server_factory: ServerFactory, web: LocalWeb) -> None:
    server = server_factory(VENOM_OUTBOUND_ALLOW_PRIVATE="true", VENOM_OUTBOUND_MAX_REDIRECTS="2")
    loop = f"{web.url}/redirect?to={web.url}/redirect%3Fto%3D{web.url}/redirect%253Fto%253D{web.url}/page"
    task = run_task(server, f"/web {loop}")
    assert task["status"] == "FAILED"
    assert task["error"]["code"] == "outbound_too_many_redirects"
    assert len(web.hits) == 3


def test_a_bad_allow_list_entry_stops_the_start_with_a_sentence(server_factory: ServerFactory) -> None:
    server = server_factory(start=False, VENOM_OUTBOUND_ALLOW_HOSTS="10.0.0.0/33")
    with pytest.raises(RuntimeError, match="not a network"):
        server.start(timeout=30)
