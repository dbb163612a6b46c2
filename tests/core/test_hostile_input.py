"""Hostile input through the public interface: resume ids, deep JSON, config values, settings.

Each case once broke something for everyone (a 500, a dropped socket, a task list that no
longer answered, lines smuggled into the env file); each must now get a clear refusal.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from dotenv import dotenv_values
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.conftest import LiveServer, ServerFactory
from tests.sse import read_stream

BAD_IDS = ["²", "٣", "１２", "-1", "+1", "1e3", "0x10", "99999999999999999999", "1.5", "abc", "1 2", "9" * 60]


def _nest(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {"leaf": 1}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


def _raw(text: str) -> bytes:
    """Latin-1 where it fits (servers decode headers as Latin-1), else UTF-8: a client or proxy
    can send bytes httpx would refuse to encode."""
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode()


def test_a_bad_last_event_id_is_a_clear_400(client: httpx.Client) -> None:
    tid = client.post("/api/v1/tasks", json={"content": "help"}).json()["task_id"]
    wrong = {}
    for bad in BAD_IDS:
        r = client.get(f"/api/v1/tasks/{tid}/stream", headers={"Last-Event-ID": _raw(bad)})
        ok = r.status_code in (400, 422) and r.json()["error"]["code"] in ("invalid_last_event_id",
                                                                          "validation_error")
        if not ok:
            wrong[bad] = (r.status_code, r.text[:100])
    assert not wrong, wrong
    # A good one still resumes.
    assert read_stream(client, tid, headers={"Last-Event-ID": "1"})[-1].event == "task_finished"


def test_a_bad_ws_since_is_closed_with_1008_and_a_reason(server: LiveServer) -> None:
    wrong = {}
    for bad in ["²", "٣", "-1", "1e3", "99999999999999999999999", "abc", ""]:
        with connect(f"{server.ws_url}/ws/events?since={quote(bad)}") as ws, \
                pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
        frame = closed.value.rcvd  # None: the socket was dropped without a close frame
        if frame is None or frame.code != 1008 or "since" not in frame.reason:
            wrong[bad] = frame
    assert not wrong, wrong


def test_a_bad_ws_filter_is_closed_with_1008(server: LiveServer) -> None:
    with connect(f"{server.ws_url}/ws/events?task_id={'x' * 300}") as ws, pytest.raises(ConnectionClosed) as closed:
        ws.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008


@pytest.mark.parametrize(("body", "words"), [
    ({"content": "help", "generation_params": _nest(300)}, "nested deeper than 16"),
    ({"content": "help", "generation_params": _nest(17)}, "nested deeper than 16"),
    ({"content": "help", "generation_params": {"k": "x" * 40_000}}, "string longer than"),
    ({"content": "help", "generation_params": {f"k{i}": i for i in range(1001)}}, "more than 1000 entries"),
    ({"content": "help", "generation_params": {"a": [[0] * 1000 for _ in range(25)]}}, "values in total"),
    ({"content": "help", "extra_context": {"notes": ["x" * 5000]}}, "extra_context"),
])
def test_free_form_json_beyond_the_limits_is_a_clear_422(client: httpx.Client, body: dict[str, Any],
                                                         words: str) -> None:
    r = client.post("/api/v1/tasks", json=body)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "validation_error" and words in err["message"]
    listed = client.get("/api/v1/tasks")
    assert listed.status_code == 200 and listed.json() == [], "nothing was stored"


def test_json_within_the_limits_is_accepted(client: httpx.Client) -> None:
    r = client.post("/api/v1/tasks", json={"content": "help", "generation_params": _nest(16)})
    assert r.status_code == 201, r.text
    tid = r.json()["task_id"]
    read_stream(client, tid)
    assert client.get(f"/api/v1/tasks/{tid}").json()["request"]["generation_params"] == _nest(16)


def test_the_direct_llm_stream_bounds_its_json_too(client: httpx.Client) -> None:
    for body in ({"content": "hi", "response_format": _nest(300)},
                 {"content": "hi", "tools": [_nest(40)]},
                 {"content": "hi", "tool_choice": _nest(40)}):
        r = client.post("/api/v1/llm/simple/stream", json=body)
        assert r.status_code == 422 and "nested deeper than 16" in r.json()["error"]["message"], r.text


def test_a_deep_value_stored_by_an_older_version_does_not_break_reads(server_factory: ServerFactory) -> None:
    srv = server_factory()
    with httpx.Client(base_url=srv.url, timeout=30) as c:
        ids = [c.post("/api/v1/tasks", json={"content": "help"}).json()["task_id"] for _ in range(3)]
        for tid in ids:
            read_stream(c, tid)
    srv.stop()
    # What an older version stored when it accepted 300 levels: in the task row and its events.
    # One row even deeper than Python's JSON parser can read (5000 levels, written as text).
    deep300 = json.dumps({"generation_params": _nest(300)})
    deep5000 = '{"generation_params": ' + '{"a": ' * 5000 + "1" + "}" * 5000 + "}"
    db = sqlite3.connect(srv.data_dir / "data" / "venom.db")
    with db:
        for tid, text in ((ids[0], deep300), (ids[1], deep5000)):
            db.execute("UPDATE tasks SET request = ?, context = ? WHERE id = ?", (text, text, tid))
            db.execute("UPDATE events SET data = ? WHERE task_id = ? AND seq = 1", (text, tid))
    db.close()
    srv.start()
    with httpx.Client(base_url=srv.url, timeout=30) as c:
        listed = c.get("/api/v1/tasks")
        assert listed.status_code == 200, listed.text
        assert {t["id"] for t in listed.json()} == set(ids)
        for tid in ids:
            r = c.get(f"/api/v1/tasks/{tid}")
            assert r.status_code == 200, r.text
            assert r.json()["status"] == "COMPLETED"
            assert c.get(f"/api/v1/history/requests/{tid}").status_code == 200
            assert read_stream(c, tid)[-1].event == "task_finished"
        assert "nested too deeply" in c.get(f"/api/v1/tasks/{ids[0]}").text
    with connect(f"{srv.ws_url}/ws/events?since=0&types=TASK_CREATED") as ws:
        created = [json.loads(ws.recv(timeout=10)) for _ in ids]
    assert [m["data"]["task_id"] for m in created] == ids


# --- config values and settings ----------------------------------------------------------------

LIGHT_ENV = "none.env"


AMBIGUOUS = ["a\fVENOM_HOST=0.0.0.0", "a\vb", "a\x00b", "a\x1cb", "a\x85b", "a\u2028b", "a\u2029b", "a\rb",
             "a\tb", "a\x7fb", "${HOME}", "x" * 5000]


def test_config_values_that_would_be_ambiguous_in_the_env_file_are_refused(server: LiveServer) -> None:
    wrong = {}
    for bad in AMBIGUOUS:
        r = httpx.post(f"{server.url}/api/v1/config/runtime", json={"updates": {"LLM_MODEL_NAME": bad}}, timeout=30)
        err = r.json().get("error") or {}
        if r.status_code != 422 or err.get("code") != "invalid_config_value" or "LLM_MODEL_NAME" not in err["message"]:
            wrong[bad[:20]] = (r.status_code, r.text[:100])
    assert not wrong, wrong
    assert not (server.data_dir / LIGHT_ENV).exists(), "nothing was written"


def test_backslashes_and_quotes_round_trip_through_the_env_file(server: LiveServer) -> None:
    url = f"{server.url}/api/v1/config/runtime"
    values = {"LLM_MODEL_NAME": "C:\\models\\", "LLM_FALLBACK_MODEL": "it's a \\'quoted\\' \\\\ name\\"}
    for key, value in values.items():  # one at a time: each write re-reads the file the last one wrote
        r = httpx.post(url, json={"updates": {key: value}}, timeout=30)
        assert r.status_code == 200, r.text
    r = httpx.post(url, json={"updates": {"VENOM_SESSION_HISTORY_TURNS": 9}}, timeout=30)
    assert r.status_code == 200, r.text
    env_file = server.data_dir / LIGHT_ENV
    assert dotenv_values(env_file) == {**values, "VENOM_SESSION_HISTORY_TURNS": "9"}
    assert len(env_file.read_text().split("\n")) == 4, "three lines and the final newline, nothing else"
    pending = httpx.get(url, timeout=30).json()["pending"]
    assert pending == {**values, "VENOM_SESSION_HISTORY_TURNS": 9}
    server.restart()
    config = httpx.get(f"{server.url}/api/v1/config/runtime", timeout=30).json()["config"]
    assert {k: config[k] for k in values} == values


@pytest.mark.parametrize(("key", "value"), [("VENOM_SSE_HEARTBEAT_SECONDS", "inf"),
                                            ("VENOM_SSE_HEARTBEAT_SECONDS", "nan"),
                                            ("VENOM_TASK_STALL_SECONDS", "1e12"),
                                            ("VENOM_MAX_BODY_BYTES", str(2**40))])
def test_time_and_size_settings_must_be_finite_and_sane(server_factory: ServerFactory, key: str, value: str) -> None:
    srv = server_factory()
    r = httpx.post(f"{srv.url}/api/v1/config/runtime", json={"updates": {key: value}}, timeout=30)
    assert r.status_code == 422 and key in r.json()["error"]["message"], r.text
    bad = server_factory(start=False, **{key: value})
    with pytest.raises(RuntimeError, match="exited with 2"):
        bad.start()
    log = bad.log_text()
    assert f"venom: refusing to start: {key}" in log or (key in log and "refusing to start" in log), log
    assert "Traceback" not in log
