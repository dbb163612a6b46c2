"""The small operations scripts and `make help`, run as a user would run them."""

from __future__ import annotations

import os
import re
import subprocess
import tarfile
from pathlib import Path

from tests.conftest import ROOT


def run(argv: list[str], cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=60, check=False)


def test_make_help_documents_every_target() -> None:
    targets = set(re.findall(r"^([a-zA-Z][a-zA-Z0-9_-]*):", (ROOT / "Makefile").read_text(), re.M))
    out = run(["make", "--no-print-directory", "help"])
    assert out.returncode == 0
    documented = {line.split()[0] for line in re.sub(r"\x1b\[[0-9;]*m", "", out.stdout).splitlines() if line.strip()}
    for required in ("start", "start-dev", "start-prod", "stop", "status", "restart", "test", "bench", "help"):
        assert required in documented
    assert targets <= documented, f"targets missing from make help: {sorted(targets - documented)}"


def test_archive_perf_results_makes_a_dated_archive(tmp_path: Path) -> None:
    script = str(ROOT / "scripts" / "archive-perf-results.sh")
    src, dest = tmp_path / "perf-artifacts", tmp_path / "archive"
    empty = run([script], PERF_ARTIFACTS_DIR=str(src), PERF_ARCHIVE_DIR=str(dest))
    assert empty.returncode == 1 and "nothing to archive" in empty.stderr
    (src / "locust").mkdir(parents=True)
    (src / "locust" / "locust_stats.csv").write_text("Type,Name\n")
    (src / "pytest.xml").write_text("<testsuite/>")
    done = run([script], PERF_ARTIFACTS_DIR=str(src), PERF_ARCHIVE_DIR=str(dest))
    assert done.returncode == 0, done.stderr
    (archive,) = dest.glob("perf-results-*.tar.gz")
    assert re.fullmatch(r"perf-results-\d{8}T\d{6}Z\.tar\.gz", archive.name)
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert any(n.endswith("locust/locust_stats.csv") for n in names) and any(n.endswith("pytest.xml") for n in names)


def test_run_locust_refuses_non_loopback_targets() -> None:
    script = str(ROOT / "scripts" / "run-locust.sh")
    for host in ("http://10.0.0.5:8000", "http://example.com", "http://192.168.1.2:8000", "http://[::2]:8000"):
        out = run([script, "--headless"], LOCUST_HOST=host)
        assert out.returncode == 2 and "only loopback" in out.stderr, host
    nobody = run([script, "--headless"], LOCUST_HOST="http://127.0.0.1:9")
    assert nobody.returncode == 2 and "no Venom answers" in nobody.stderr


def test_web_install_says_when_the_ui_is_missing(tmp_path: Path) -> None:
    (tmp_path / "scripts").mkdir()
    script = tmp_path / "scripts" / "web-install.sh"
    script.write_text((ROOT / "scripts" / "web-install.sh").read_text())
    script.chmod(0o755)
    out = run([str(script)], cwd=tmp_path)
    assert out.returncode == 0 and "UI missing" in out.stdout
