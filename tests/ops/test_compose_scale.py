"""compose/compose.scale.yml, validated offline: the scale-out stack's services, roles and wiring."""

from __future__ import annotations

import json
import os
from typing import Any

from tests.conftest import ROOT
from tests.ops.conftest import compose_binary
from tests.ops.test_packaging import run

SCALE = ROOT / "compose" / "compose.scale.yml"
SECRETS = {"VENOM_API_TOKEN": "validation-only-token-0000", "POSTGRES_PASSWORD": "validation-only-pg"}


def scale_config(env: dict[str, str]) -> dict[str, Any]:
    out = run(compose_binary(), "-f", str(SCALE), "--profile", "scale", "config", "--format", "json", env=env)
    assert out.returncode == 0, out.stderr
    return dict(json.loads(out.stdout))


def test_scale_profile_runs_two_api_instances_and_two_workers_behind_nginx() -> None:
    cfg = scale_config({**os.environ, **SECRETS})
    svc = cfg["services"]
    assert set(svc) == {"postgres", "redis", "backend", "worker", "frontend", "proxy"}
    assert all(s["profiles"] == ["scale"] for s in svc.values())
    assert svc["backend"]["deploy"]["replicas"] == 2 and svc["worker"]["deploy"]["replicas"] == 2
    # Only the proxy is published; the instances are reached through it.
    assert {name for name, s in svc.items() if s.get("ports")} == {"proxy"}
    assert svc["proxy"]["volumes"][0]["source"].endswith("deploy/nginx/venom.conf")
    api_env, worker_env = svc["backend"]["environment"], svc["worker"]["environment"]
    assert api_env["VENOM_ROLE"] == "api" and worker_env["VENOM_ROLE"] == "worker"
    assert svc["worker"]["command"] == ["python", "-m", "venom_core", "worker"]
    for env in (api_env, worker_env):
        assert env["VENOM_DATABASE_URL"] == "postgresql+psycopg://venom:validation-only-pg@postgres:5432/venom"
        assert env["VENOM_REDIS_URL"] == "redis://redis:6379/0"
        assert env["VENOM_QUEUE"] == "postgres"  # VENOM_ROLE=api|worker is refused without the shared queue
        assert env["VENOM_API_TOKEN"] == SECRETS["VENOM_API_TOKEN"]
    for name in ("backend", "worker"):
        deps = svc[name]["depends_on"]
        assert deps["postgres"]["condition"] == deps["redis"]["condition"] == "service_healthy"
        assert svc[name]["build"]["args"]["VENOM_EXTRA_REQUIREMENTS"] == "requirements-profile-postgres.txt"
    for name in ("postgres", "redis", "backend", "frontend"):
        assert svc[name]["healthcheck"]["test"], name
    assert svc["frontend"]["environment"]["API_PROXY_TARGET"] == "http://backend:8000"


def test_scale_profile_refuses_to_run_without_its_secrets() -> None:
    for missing in SECRETS:
        env = {**{k: v for k, v in os.environ.items() if k not in SECRETS},
               **{k: v for k, v in SECRETS.items() if k != missing}}
        out = run(compose_binary(), "-f", str(SCALE), "--profile", "scale", "config", "-q", env=env)
        assert out.returncode != 0 and missing in out.stderr, missing


def test_the_image_installs_the_extra_profile_only_when_asked() -> None:
    text = (ROOT / "docker" / "backend.Dockerfile").read_text()
    assert 'ARG VENOM_EXTRA_REQUIREMENTS=""' in text
    assert 'if [ -n "$VENOM_EXTRA_REQUIREMENTS" ]' in text
