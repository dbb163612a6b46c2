"""Bad input gets a stable code, a readable message and the right status; stored data is untouched."""

from __future__ import annotations

import httpx
import pytest

from tests.model_output import response_format as rf


@pytest.mark.parametrize(
    ("body", "status", "code", "needle"),
    [
        ({}, 422, "validation_error", "content"),
        ({"content": ""}, 422, "validation_error", "content"),
        ({"content": "   "}, 422, "validation_error", "non-space"),
        ({"content": "x" * 50_001}, 422, "validation_error", "50000"),
        ({"content": 123}, 422, "validation_error", "string"),
        ({"content": "hi", "store_knowledge": "maybe"}, 422, "validation_error", "bool"),
        ({"content": "hi", "forced_tool": "teleport"}, 422, "validation_error", "allowed values: assistant"),
        ({"content": "hi", "forced_intent": "FLY"}, 422, "validation_error", "GENERAL_CHAT"),
        ({"content": "hi", "forced_provider": "skynet"}, 422, "validation_error", "gpt"),
        ({"content": "hi", "preferred_language": "fr"}, 422, "validation_error", "preferred_language"),
        ({"content": "hi", "generation_params": {"response_format": rf({"type": "nonsense"})}}, 422,
         "validation_error", "response_format schema is not a valid JSON Schema at type"),
        ({"content": "hi", "generation_params": {"response_format": rf({"type": "array", "minItems": -1})}}, 422,
         "validation_error", "at minItems: -1 is less than the minimum of 0"),
        ({"content": "hi", "generation_params": {"response_format": {"type": "text"}}}, 422,
         "validation_error", 'response_format.type must be "json_schema" or "json_object"'),
        ({"content": "hi", "generation_params": {"response_format": {"type": "json_schema"}}}, 422,
         "validation_error", "needs an object at json_schema.schema"),
        ({"content": "hi", "generation_params": {"response_format": "json"}}, 422,
         "validation_error", "response_format must be an object"),
    ],
)
def test_invalid_task_bodies(client: httpx.Client, body: dict, status: int, code: str, needle: str) -> None:
    r = client.post("/api/v1/tasks", json=body)
    assert r.status_code == status
    err = r.json()["error"]
    assert err["code"] == code
    assert needle in err["message"], err["message"]


def test_response_format_is_checked_the_same_on_the_direct_route(client: httpx.Client) -> None:
    before = len(client.get("/api/v1/tasks").json())
    bad = client.post("/api/v1/llm/simple/stream", json={"content": "hi", "response_format": rf({"enum": "x"})})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "validation_error"
    assert "response_format schema is not a valid JSON Schema at enum" in bad.json()["error"]["message"]
    # A valid schema is accepted and stored with the task as it was sent.
    good = {"response_format": rf({"type": "object", "properties": {"ok": {"type": "boolean"}}}), "max_tokens": 8}
    created = client.post("/api/v1/tasks", json={"content": "hi", "generation_params": good})
    assert created.status_code == 201, created.text
    stored = client.get(f"/api/v1/tasks/{created.json()['task_id']}").json()
    assert stored["request"]["generation_params"] == good
    assert len(client.get("/api/v1/tasks").json()) == before + 1, "only the valid task was stored"


def test_malformed_json_and_utf8_and_oversized(client: httpx.Client) -> None:
    before = len(client.get("/api/v1/tasks").json())
    bad_json = client.post("/api/v1/tasks", content=b'{"content": "hi"', headers={"content-type": "application/json"})
    assert bad_json.status_code == 400 and bad_json.json()["error"]["code"] == "invalid_json"
    bad_utf8 = client.post("/api/v1/tasks", content=b'{"content": "\xff\xfe"}',
                           headers={"content-type": "application/json"})
    assert bad_utf8.status_code == 400 and bad_utf8.json()["error"]["code"] == "invalid_json"
    huge = client.post("/api/v1/tasks", content=b'{"content": "' + b"a" * 2_000_000 + b'"}',
                       headers={"content-type": "application/json"})
    assert huge.status_code == 413 and huge.json()["error"]["code"] == "payload_too_large"
    assert len(client.get("/api/v1/tasks").json()) == before, "nothing was stored"


def test_unknown_ids_bad_queries_and_routes(client: httpx.Client) -> None:
    r = client.get("/api/v1/tasks/unknown-id")
    assert r.status_code == 404 and r.json()["error"] == {
        "code": "task_not_found", "message": "There is no task with id unknown-id.", "details": None,
        "retryable": False}
    assert client.get("/api/v1/tasks", params={"limit": 0}).status_code == 422
    assert client.get("/api/v1/tasks", params={"status": "DONE"}).status_code == 422
    bad_cursor = client.get("/api/v1/tasks", params={"cursor": "garbage"})
    assert bad_cursor.status_code == 422 and "cursor" in bad_cursor.json()["error"]["message"]
    bad_cursor2 = client.get("/api/v1/tasks", params={"cursor": "not-a-date|x"})
    assert bad_cursor2.status_code == 400 and bad_cursor2.json()["error"]["code"] == "invalid_cursor"
    nowhere = client.get("/api/v1/nowhere")
    assert nowhere.status_code == 404 and nowhere.json()["error"]["code"] == "not_found"
    wrong_method = client.delete("/api/v1/tasks")
    assert wrong_method.status_code == 405 and "error" in wrong_method.json()
