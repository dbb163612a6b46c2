"""The API's own pages work offline: /docs and /redoc load only local assets, `GET /` indexes the links,
and these public pages open nothing of /api to a caller without the token."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from tests.conftest import LiveServer, ServerFactory

TOKEN = "docs-test-token-0123456789"
# Every URL a page can load: src/href attributes, Swagger's `url:` and ReDoc's `spec-url`.
URLS = re.compile(r"""(?:src|href|spec-url)\s*=\s*["']([^"']+)["']|\burl:\s*["']([^"']+)["']""")
TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png", ".json": "application/json"}


@pytest.fixture
def guarded(server_factory: ServerFactory) -> Iterator[httpx.Client]:
    srv = server_factory(VENOM_API_TOKEN=TOKEN)
    with httpx.Client(base_url=srv.url, timeout=30) as c:  # no token: a stranger's view
        yield c


def page_urls(html: str) -> list[str]:
    return [a or b for a, b in URLS.findall(html)]


@pytest.mark.parametrize(("page", "expected"), [
    ("/docs", {"/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css", "/docs/assets/favicon.png",
               "/openapi.json"}),
    ("/redoc", {"/docs/assets/redoc.standalone.js", "/docs/assets/favicon.png", "/openapi.json"}),
])
def test_doc_pages_load_only_local_assets(guarded: httpx.Client, page: str, expected: set[str]) -> None:
    resp = guarded.get(page)
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/html")
    urls = page_urls(resp.text)
    assert set(urls) == expected
    assert "cdn." not in resp.text and "fonts.googleapis" not in resp.text and "https://" not in resp.text
    for url in urls:
        assert not urlsplit(url).netloc and url.startswith("/")  # same origin
        asset = guarded.get(url)
        assert asset.status_code == 200, url
        suffix = url[url.rfind("."):]
        assert asset.headers["content-type"].startswith(TYPES[suffix]), (url, asset.headers["content-type"])
        assert len(asset.content) > 1000, url
    bundle = guarded.get(next(u for u in urls if u.endswith(".js"))).text
    assert "SwaggerUIBundle" in bundle if page == "/docs" else "Redoc" in bundle


def test_only_the_listed_assets_are_served(guarded: httpx.Client) -> None:
    for name in ("core.py", "..%2F__init__.py", "missing.js"):
        resp = guarded.get(f"/docs/assets/{name}")
        assert resp.status_code == 404 and resp.json()["error"]["code"] == "not_found"


def test_public_pages_open_nothing_of_the_api(guarded: httpx.Client) -> None:
    assert guarded.get("/docs").status_code == 200
    assert guarded.get("/openapi.json").status_code == 200
    for path in ("/api/v1/sessions", "/api/v1/tasks"):
        assert guarded.get(path).status_code == 401
    assert guarded.get("/api/v1/sessions", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_root_indexes_the_links(server: LiveServer, client: httpx.Client) -> None:
    resp = client.get("/")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("application/json")
    idx = resp.json()
    assert idx["name"] == "Venom Core" and idx["version"]
    assert idx["ui"] == "http://localhost:3000"
    for key in ("docs", "redoc", "openapi", "healthz", "status"):
        assert idx[key].startswith(server.url), key
        assert client.get(idx[key]).status_code == 200, key
    html = client.get("/", headers={"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert f'href="{server.url}/docs"' in html.text and 'href="http://localhost:3000"' in html.text
    assert client.get("/", headers={"Accept": "application/json"}).json() == idx
