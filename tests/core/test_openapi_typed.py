"""Every JSON route declares what it answers: a 2xx response whose `application/json` schema says
more than "any object", and the one error envelope for its error statuses.

Read from the OpenAPI document alone (no server), so the generated TypeScript types, schemathesis
and any other client can rely on the same declarations.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from venom_core.config import Settings
from venom_core.main import create_app

# Routes whose success answer is not JSON, with the reason.
NOT_JSON = {
    ("get", "/api/v1/tasks/{task_id}/stream"): "server-sent events (text/event-stream)",
    ("post", "/api/v1/llm/simple/stream"): "server-sent events (text/event-stream)",
    ("get", "/metrics"): "Prometheus text exposition format",
    ("get", "/api/v1/documents/{doc_id}/file"): "the uploaded file itself, in its own media type",
}


METHODS = ("get", "post", "put", "patch", "delete")


@cache
def document() -> dict[str, Any]:
    return create_app(Settings()).openapi()


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document()["components"]["schemas"][name]
    return schema


def untyped(schema: dict[str, Any] | None) -> str | None:
    """Why `schema` says nothing useful about an answer, or None when it declares its shape."""
    if not schema:
        return "no schema"
    schema = resolve(schema)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            reasons = [untyped(s) for s in schema[key] if resolve(s).get("type") != "null"]
            return next((r for r in reasons if r), None)
    kind = schema.get("type")
    if kind == "array":
        return untyped(schema.get("items")) and f"an array of {untyped(schema.get('items'))}"
    if kind == "object" or kind is None:
        if schema.get("properties"):
            return None
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and extra:
            return untyped(extra) and f"a map of {untyped(extra)}"
        return "an object of any shape (a route returning dict[str, Any]?)"
    return None  # a string, number, boolean or enum: typed


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, item in document()["paths"].items()
            for method, op in item.items() if method in METHODS]


def success(op: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    for status in sorted(op["responses"]):
        if status.startswith("2"):
            return status, op["responses"][status]
    return None


def test_every_json_route_declares_its_answer() -> None:
    problems = []
    for method, path, op in operations():
        key = (method, path)
        if key in NOT_JSON:
            continue
        found = success(op)
        if found is None:
            problems.append(f"{method.upper()} {path}: no 2xx response declared")
            continue
        status, response = found
        if status == "204":
            continue
        content = response.get("content", {})
        if "application/json" not in content:
            problems.append(f"{method.upper()} {path}: {status} has no application/json content")
            continue
        reason = untyped(content["application/json"].get("schema"))
        if reason:
            problems.append(f"{method.upper()} {path}: {status} is {reason}")
    assert not problems, "Routes without a declared JSON answer:\n" + "\n".join(sorted(problems))


def test_the_allow_list_names_real_routes() -> None:
    known = {(m, p) for m, p, _ in operations()}
    assert set(NOT_JSON) <= known


@pytest.mark.parametrize("key", sorted(NOT_JSON))
def test_non_json_routes_declare_their_media_type(key: tuple[str, str]) -> None:
    method, path = key
    op = document()["paths"][path][method]
    found = success(op)
    assert found is not None
    assert set(found[1].get("content", {})) - {"application/json"}, f"{path} declares no media type of its own"


def test_errors_are_declared_as_one_envelope() -> None:
    schemas = document()["components"]["schemas"]
    envelope = schemas["ErrorResponse"]
    assert envelope["required"] == ["error"]
    info = resolve(envelope["properties"]["error"])
    assert {"code", "message"} <= set(info["required"])
    assert {"code", "message", "details", "retryable"} <= set(info["properties"])
    missing = []
    for method, path, op in operations():
        for status, response in op["responses"].items():
            if status[0] not in "45":
                continue
            schema = response.get("content", {}).get("application/json", {}).get("schema", {})
            if resolve(schema) is not envelope:
                missing.append(f"{method.upper()} {path} {status}")
    assert not missing, "Error answers not declared as ErrorResponse:\n" + "\n".join(missing)
