"""The API's own pages: `GET /` (an index of links), `/docs` (Swagger UI) and `/redoc` (ReDoc).

FastAPI's built-in pages load Swagger UI and ReDoc from a CDN, so they are blank on a machine
without internet. These pages load the same bundles from the pinned `fastapi-offline` package
(requirements.txt), served here under `/docs/assets/`. They are public, like the OpenAPI document:
the token rules apply to `/api` and `/ws` only.
"""

from __future__ import annotations

import html
import importlib.util
from functools import cache
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse, Response
from pydantic import BaseModel

from venom_core import __version__
from venom_core.api.deps import SettingsDep
from venom_core.api.errors import ApiError

router = APIRouter(tags=["system"])

ASSETS_PACKAGE = "fastapi_offline"
ASSETS_URL = "/docs/assets"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"
# The only files served, with their types (the bundle's own folder also holds nothing else today,
# but a whitelist keeps a future file of the package from being published by accident).
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "redoc.standalone.js": "text/javascript; charset=utf-8",
    "favicon.png": "image/png",
}


@cache
def assets_dir() -> Path | None:
    """The package's static folder, found without importing it; None when it is not installed."""
    spec = importlib.util.find_spec(ASSETS_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "static"
    return folder if all((folder / name).is_file() for name in ASSETS) else None


def _require_assets() -> Path:
    folder = assets_dir()
    if folder is None:
        raise ApiError(503, "docs_assets_missing", "The API documentation pages need the `fastapi-offline` "
                       "package (requirements.txt); run `make install`. The schema is at /openapi.json.")
    return folder


def _root(request: Request) -> str:
    return str(request.scope.get("root_path") or "")


@router.get("/docs", include_in_schema=False)
async def swagger_ui(request: Request) -> HTMLResponse:
    _require_assets()
    root = _root(request)
    return get_swagger_ui_html(
        openapi_url=f"{root}{request.app.openapi_url}", title=f"{request.app.title} - Swagger UI",
        oauth2_redirect_url=f"{root}{OAUTH2_REDIRECT_URL}",
        swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
        swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
        swagger_ui_parameters=request.app.swagger_ui_parameters,
    )


@router.get(OAUTH2_REDIRECT_URL, include_in_schema=False)
async def swagger_ui_redirect() -> HTMLResponse:
    return get_swagger_ui_oauth2_redirect_html()


@router.get("/redoc", include_in_schema=False)
async def redoc(request: Request) -> HTMLResponse:
    _require_assets()
    root = _root(request)
    return get_redoc_html(
        openapi_url=f"{root}{request.app.openapi_url}", title=f"{request.app.title} - ReDoc",
        redoc_js_url=f"{root}{ASSETS_URL}/redoc.standalone.js",
        redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
        with_google_fonts=False,  # fonts from Google would be another request to the internet
    )


@router.get(ASSETS_URL + "/{name}", include_in_schema=False)
async def asset(name: str) -> FileResponse:
    media_type = ASSETS.get(name)
    if media_type is None:
        raise ApiError(404, "not_found", "No such documentation asset.")
    # The bundles change only with the pinned package version, so browsers may keep them a day.
    return FileResponse(_require_assets() / name, media_type=media_type,
                        headers={"Cache-Control": "public, max-age=86400"})


class ApiIndex(BaseModel):
    """Where to go from the API's root."""

    name: str
    version: str
    docs: str
    redoc: str
    openapi: str
    healthz: str
    status: str
    ui: str | None


def _index(request: Request, ui: str | None) -> ApiIndex:
    base = str(request.base_url).rstrip("/")
    return ApiIndex(name=request.app.title, version=__version__, docs=f"{base}/docs", redoc=f"{base}/redoc",
                    openapi=f"{base}{request.app.openapi_url}", healthz=f"{base}/healthz",
                    status=f"{base}/api/v1/system/status", ui=ui)


def _wants_html(accept: str | None) -> bool:
    """A browser asks for text/html first; API clients ask for JSON or anything."""
    first = (accept or "").split(",")[0].split(";")[0].strip().lower()
    return first in ("text/html", "application/xhtml+xml")


@router.get("/", response_model=ApiIndex, responses={200: {"content": {"text/html": {}}}})
async def index(request: Request, settings: SettingsDep,
                accept: Annotated[str | None, Header()] = None) -> ApiIndex | Response:
    """Links to the API documentation, the OpenAPI document, health and the web UI.

    JSON, or a small HTML page when the client asks for HTML first (a browser)."""
    origins = settings.ui_origins
    idx = _index(request, origins[0] if origins else None)
    if not _wants_html(accept):
        return idx
    rows = [("Swagger UI", idx.docs), ("ReDoc", idx.redoc), ("OpenAPI document", idx.openapi),
            ("Liveness", idx.healthz), ("Status", idx.status)]
    if idx.ui:
        rows.append(("Web UI", idx.ui))
    links = "".join(f'<li><a href="{html.escape(url)}">{label}</a></li>' for label, url in rows)
    return HTMLResponse(f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{idx.name}</title>"
                        f"</head><body><h1>{idx.name} {idx.version}</h1><ul>{links}</ul></body></html>")
