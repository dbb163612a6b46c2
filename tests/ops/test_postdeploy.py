"""The post-deployment tools work against a real server: the Locust scenario (a short run, for
correctness: every task must finish, no failures) and the perf tests' skip-when-no-server rule.
`make docker-validate`'s script is run as-is too. No timing is asserted here.
"""

from __future__ import annotations

import csv
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, LiveServer, free_port
from tests.ops.conftest import VENV_BIN


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    srv = LiveServer(data_dir=tmp_path_factory.mktemp("postdeploy"), env={"VENOM_RATE_LIMIT_ENABLED": "false"})
    srv.start()
    yield srv
    srv.stop()


def test_locust_scenario_follows_every_task_to_the_end(server: LiveServer, tmp_path: Path) -> None:
    out_dir = tmp_path / "locust"
    env = {**os.environ, "LOCUST_HOST": server.url, "LOCUST_USERS": "5", "LOCUST_SPAWN_RATE": "5",
           "LOCUST_RUN_TIME": "6s", "LOCUST_OUT": str(out_dir), "LOCUST": str(VENV_BIN / "locust")}
    done = subprocess.run([str(ROOT / "scripts" / "run-locust.sh"), "--headless"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    with (out_dir / "locust_stats.csv").open() as f:
        rows = {row["Name"]: row for row in csv.DictReader(f)}
    tasks = rows["submit->task_finished"]
    assert int(tasks["Request Count"]) > 0 and int(tasks["Failure Count"]) == 0
    # Tasks still in flight when the run time ends are cut off, never counted as failures.
    assert int(rows["POST /api/v1/tasks"]["Request Count"]) >= int(tasks["Request Count"])
    assert int(rows["Aggregated"]["Failure Count"]) == 0
    assert (out_dir / "report.html").is_file()


def test_perf_tests_skip_when_no_server_answers() -> None:
    env = {**os.environ, "VENOM_API_URL": f"http://127.0.0.1:{free_port()}"}
    done = subprocess.run([str(VENV_BIN / "pytest"), "tests/perf", "-m", "performance", "-q", "-p", "no:cacheprovider"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 skipped" in done.stdout


def test_docker_validate_script_passes() -> None:
    done = subprocess.run([str(ROOT / "scripts" / "validate-docker.sh")], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False, env={**os.environ, "PY": str(VENV_BIN / "python")})
    assert done.returncode == 0, done.stdout + done.stderr
    for item in ("compose/compose.minimal.yml", "docker/*.Dockerfile", "deploy/nginx/venom.conf", "validation done"):
        assert item in done.stdout
