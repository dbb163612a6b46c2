"""One `ProviderSpec` per runtime, in one registry: a runtime added as one plugin file is known
everywhere a runtime name is read (the policy's lists, the settings' names, `forced_provider`,
the `/alias` commands), and the built-in runtimes are registered the same way."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from venom_core.runtimes import providers
from venom_core.runtimes.spec import ProviderSpec

PLUGIN = '''
from venom_core.runtimes.spec import ProviderSpec


def register_providers(register):
    register(ProviderSpec(name="acme", label="Acme (cloud)", local=False, rank=60, factory=lambda s, m: None,
                          endpoint=lambda s: "https://acme.invalid", key_setting="OPENAI_API_KEY",
                          aliases=("roadrunner",), capabilities=frozenset({"stream", "retry"})))
'''

PROBE = '''
import json
from venom_core.api.schemas import FORCED_PROVIDERS
from venom_core.orchestrator.routing import PROVIDER_ALIASES, parse_slash
from venom_core.runtimes import providers
print(json.dumps({"all": providers.PROVIDERS.names, "cloud": providers.PROVIDERS.cloud_names,
                  "forced": FORCED_PROVIDERS.get("roadrunner"), "slash": PROVIDER_ALIASES.get("roadrunner"),
                  "at": parse_slash("@roadrunner hi").forced_provider}))
'''


def test_builtin_runtimes_come_from_their_specs() -> None:
    assert providers.PROVIDERS.names == (
        "embedded", "ollama", "openai_compatible", "onnx", "openai", "google", "anthropic")
    assert providers.PROVIDERS.local_names == ("embedded", "ollama", "openai_compatible", "onnx")
    specs = list(providers.PROVIDERS)
    assert all(isinstance(s, ProviderSpec) and s.label and callable(s.factory) for s in specs)
    assert all(s.key_setting for s in specs if not s.local)  # a cloud runtime names the setting of its key
    # One alias table: the reference's names resolve to our runtimes.
    aliases = providers.PROVIDERS.aliases()
    assert {aliases[a] for a in ("vllm", "gpt", "gem", "gemini", "claude", "local")} == {
        "openai_compatible", "openai", "google", "anthropic", "embedded"}


def test_a_runtime_is_one_plugin_file(tmp_path: Path) -> None:
    (tmp_path / "acme_runtime.py").write_text(PLUGIN)
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{tmp_path}", "VENOM_PROVIDER_PLUGINS": "acme_runtime"}
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True,
                         timeout=120)
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["all"][-1] == "acme" and "acme" in seen["cloud"]
    assert seen["forced"] == seen["slash"] == seen["at"] == "acme"
