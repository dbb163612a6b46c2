"""Agents end to end through the HTTP API with the real embedded model.

SmolLM2-135M is tiny: these tests assert on routing, tool output, events, statuses and errors,
never on the quality of its prose.
"""

from __future__ import annotations

from tests.orchestrator.conftest import Venom, git

SMALL = {"max_tokens": 24}


def actions(steps: list[dict], component: str) -> list[str]:
    return [s["action"] for s in steps if s["component"] == component]


def test_plain_chat_streams_without_a_classifier_call(venom: Venom) -> None:
    task = venom.run({"content": "Hello! Who are you?", "generation_params": SMALL})
    assert task["status"] == "COMPLETED", task["error"]
    assert task["result"].strip()
    flow = venom.flow(task["id"])
    gates = actions(flow["steps"], "DecisionGate")
    assert gates[:3] == ["intent_debug", "tool_requirement", "route_to_agent"]
    assert "intent_classifier" not in gates  # plain chat is decided locally
    assert flow["intent"] == "GENERAL_CHAT" and flow["agent"] == "ChatAgent"
    llm = actions(flow["steps"], "LLM")
    assert llm.index("request_sent") < llm.index("first_token")  # every model call is timed
    assert task["context_used"]["history_turns"] == 0


def test_session_history_is_used_and_clear_resets_it(venom: Venom) -> None:
    sid = "orch-session-1"
    first = venom.run({"content": "My name is Ada.", "session_id": sid, "generation_params": SMALL})
    assert first["status"] == "COMPLETED"
    second = venom.run({"content": "What is my name?", "session_id": sid, "generation_params": SMALL})
    assert second["context_used"]["history_turns"] == 2  # the first exchange was in the prompt
    session = venom.client.get(f"/api/v1/memory/session/{sid}").json()
    assert session["count"] == 4
    assert [t["role"] for t in session["history"]] == ["user", "assistant", "user", "assistant"]
    assert session["history"][0]["content"] == "My name is Ada."

    cleared = venom.run({"content": "/clear", "session_id": sid})
    assert cleared["status"] == "COMPLETED"
    assert "4 message" in cleared["result"]
    assert venom.client.get(f"/api/v1/memory/session/{sid}").json()["count"] == 0
    third = venom.run({"content": "Hi again", "session_id": sid, "generation_params": SMALL})
    assert third["context_used"]["history_turns"] == 0


def test_delete_session_endpoint(venom: Venom) -> None:
    sid = "orch-session-2"
    venom.run({"content": "help", "session_id": sid})  # static answers are part of the history too
    assert venom.client.get(f"/api/v1/memory/session/{sid}").json()["count"] == 2
    deleted = venom.client.delete(f"/api/v1/memory/session/{sid}").json()
    assert deleted["deleted_messages"] == 2
    assert venom.client.get(f"/api/v1/memory/session/{sid}").json() ["history"] == []


def test_git_question_is_answered_from_the_real_repository(venom: Venom) -> None:
    task = venom.run({"content": "show me the last commits", "generation_params": SMALL})
    assert task["status"] == "COMPLETED", task["error"]
    assert task["context_history"]["intent"] == "VERSION_CONTROL"
    head = git(venom.workspace, "log", "-1", "--format=%h").strip()
    assert "Add the login helper" in task["result"] and head in task["result"]
    tools = [s for s in venom.events(task["id"]) if s["component"] == "GitAgent"]
    assert any(s["details"]["command"].startswith("git log") for s in tools)


def test_git_branches_and_status_in_polish(venom: Venom) -> None:
    task = venom.run({"content": "/git pokaż gałęzie i status", "generation_params": SMALL})
    assert task["status"] == "COMPLETED", task["error"]
    assert "feature-login" in task["result"] and "main" in task["result"]
    assert "README.md" in task["result"]  # the uncommitted change from `git status`


def test_librarian_lists_reads_and_searches(venom: Venom) -> None:
    listing = venom.run({"content": "/file list the files", "generation_params": SMALL})
    assert listing["status"] == "COMPLETED", listing["error"]
    assert "`docs/guide.md`" in listing["result"] and "`login.py`" in listing["result"]
    read = venom.run({"content": "read docs/guide.md", "generation_params": SMALL})
    assert read["context_history"]["intent"] == "FILE_OPERATION"
    assert "TODO: document the login flow" in read["result"]
    search = venom.run({"content": '/file search "login flow"', "generation_params": SMALL})
    assert "docs/guide.md:2" in search["result"]


def test_path_traversal_and_symlink_escape_are_refused(venom: Venom) -> None:
    for content in ("read ../secret.txt", "/file escape/secret.txt", "/file /etc/passwd"):
        task = venom.run({"content": content})
        assert task["status"] == "FAILED", content
        assert task["error"]["code"] == "path_outside_workspace"
        assert "outside the workspace" in task["error"]["message"]
        assert "outside the workspace\n" not in task["result"]  # the secret was never read


def test_forced_intent_overrides_the_lexicon(venom: Venom) -> None:
    task = venom.run({"content": "show me the last commits", "forced_intent": "HELP_REQUEST"})
    assert task["status"] == "COMPLETED"
    assert "Slash commands" in task["result"]
    flow = venom.flow(task["id"])
    assert "forced_route" in actions(flow["steps"], "DecisionGate")
    assert "request_sent" not in actions(flow["steps"], "LLM")  # help needs no model


def test_forced_cloud_provider_without_a_key_fails_clearly(venom: Venom) -> None:
    for content in ("/gpt hello", "@gem hello"):
        task = venom.run({"content": content})
        assert task["status"] == "FAILED"
        assert task["error"]["code"] in ("provider_unavailable", "provider_not_allowed")
        assert task["error"]["stage"] == "llm"
        forced = [s for s in venom.events(task["id"]) if s["action"] == "forced_route"]
        assert forced[0]["details"]["provider"] in ("openai", "google")
        assert not [s for s in venom.events(task["id"]) if s["action"] == "request_sent"]  # never silently local


def test_flow_endpoint(venom: Venom) -> None:
    assert venom.client.get("/api/v1/flow/no-such-task").json()["error"]["code"] == "task_not_found"
    task = venom.run({"content": "what time is it"})
    flow = venom.flow(task["id"])
    assert flow["status"] == "COMPLETED"
    assert flow["mermaid"].startswith("flowchart TD")
    assert all("elapsed_ms" in s for s in flow["steps"])


def test_ambiguous_message_uses_the_time_boxed_classifier(venom: Venom) -> None:
    task = venom.run({"content": "show me the last commits and list the files in the workspace",
                      "generation_params": SMALL})
    assert task["status"] == "COMPLETED", task["error"]
    steps = venom.events(task["id"])
    classifier = [s for s in steps if s["action"] == "intent_classifier"]
    assert len(classifier) == 1
    assert classifier[0]["status"] in ("ok", "fallback")  # the model's pick, or the lexicon's within budget
    assert classifier[0]["details"]["budget_ms"] == 1500
    assert task["context_history"]["intent"] in ("VERSION_CONTROL", "FILE_OPERATION")
