"""`venom docs`: add, list, search and remove documents (the `/api/v1/documents` routes).

Document ids may be given in full or as the short form `venom docs ls` shows (any unique
prefix), like task ids.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import click

from venom_core.cli_api import Api, fail, resolve_prefix
from venom_core.cli_format import one_line, table, when

DOC_HEADERS = ("ID", "NAME", "TYPE", "STATUS", "PAGES", "CHUNKS", "SIZE", "ADDED")
MAX_FILES = 20  # what one upload request may carry
DONE = ("ready", "failed")


def size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    value = n / 1024
    for unit in ("KB", "MB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def doc_rows(docs: list[dict[str, Any]]) -> list[list[str]]:
    return [[d["id"][:8], one_line(d["name"], 40), d["type"], d["status"], str(d["pages"] or "-"), str(d["chunks"]),
             size(int(d["size"])), when(d["created_at"])] for d in docs]


def resolve_doc(api: Api, given: str) -> str:
    ids = [str(d["id"]) for d in api.request("GET", "/api/v1/documents")["documents"]]
    return resolve_prefix(given, ids, "document", 32)


@click.group()
def docs() -> None:
    """Documents Venom can answer from: add, ls, search, rm."""


@docs.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--wait/--no-wait", default=True, show_default=True, help="Wait until every file is indexed.")
@click.option("--timeout", "wait_for", default=600.0, show_default=True, help="Seconds to wait with --wait.")
@click.pass_obj
def add(api: Api, files: tuple[Path, ...], wait: bool, wait_for: float) -> None:
    """Upload FILES (PDF, DOCX, PPTX, XLSX, HTML, Markdown, text, code); all are checked before any is kept."""
    if len(files) > MAX_FILES:
        fail(f"at most {MAX_FILES} files per call; got {len(files)}", code=2)
    handles = [path.open("rb") for path in files]
    try:
        added = api.request("POST", "/api/v1/documents", timeout=max(api.http.timeout.read or 30, 120),
                            files=[("file", (path.name, fh)) for path, fh in zip(files, handles, strict=True)])
    finally:
        for fh in handles:
            fh.close()
    ids = [d["id"] for d in added["documents"]]
    final = {d["id"]: d for d in added["documents"]}
    deadline = time.monotonic() + wait_for
    while wait and any(final[i]["status"] not in DONE for i in ids) and time.monotonic() < deadline:
        time.sleep(0.3)
        for doc_id in ids:
            if final[doc_id]["status"] not in DONE:
                final[doc_id] = api.request("GET", f"/api/v1/documents/{doc_id}")
    for doc_id in ids:
        doc = final[doc_id]
        err = doc.get("error") or {}
        detail = f" [{err.get('code')}] {err.get('message')}" if err else ""
        chunks = f", {doc['chunks']} chunks" if doc["status"] == "ready" else ""
        click.echo(f"{doc_id[:8]}  {doc['name']}: {doc['status']}{chunks}{detail}")
    if any(final[i]["status"] == "failed" for i in ids):
        fail("some documents could not be indexed")
    if wait and any(final[i]["status"] not in DONE for i in ids):
        fail("indexing is still running; check with `venom docs ls`")


@docs.command("ls")
@click.option("--json", "as_json", is_flag=True, help="Print the raw JSON.")
@click.pass_obj
def ls(api: Api, as_json: bool) -> None:
    """List documents, newest first."""
    listed = api.request("GET", "/api/v1/documents")["documents"]
    if as_json:
        click.echo(json.dumps(listed, indent=2, ensure_ascii=False))
    elif not listed:
        click.echo("No documents. Add some with `venom docs add FILE...`.")
    else:
        click.echo(table(DOC_HEADERS, doc_rows(listed)))


@docs.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", default=5, show_default=True, type=click.IntRange(1, 50))
@click.pass_obj
def search(api: Api, query: tuple[str, ...], limit: int) -> None:
    """The passages that best match QUERY, with their document and page."""
    hits = api.request("POST", "/api/v1/documents/search", json={"query": " ".join(query), "limit": limit})["results"]
    if not hits:
        click.echo("Nothing found.")
    for n, hit in enumerate(hits, 1):
        where = f", page {hit['page']}" if hit.get("page") else ""
        click.echo(f"[{n}] {hit['name']}{where} ({hit['document_id'][:8]}): {one_line(hit['text'], 160)}")


@docs.command("rm")
@click.argument("doc_ids", nargs=-1, required=True)
@click.pass_obj
def rm(api: Api, doc_ids: tuple[str, ...]) -> None:
    """Remove documents (the full id or its short form), with their chunks and files."""
    for given in doc_ids:
        doc_id = resolve_doc(api, given)
        api.request("DELETE", f"/api/v1/documents/{doc_id}")
        click.echo(f"removed {doc_id[:8]}")
