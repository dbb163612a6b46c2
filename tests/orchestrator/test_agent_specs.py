"""One `AgentSpec` per intent, in one catalogue: an agent added as one plugin file is routed to by
its lexicon patterns and its `/alias`, and accepted as `forced_intent` / `forced_tool`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from venom_core.agents.catalog import AGENTS
from venom_core.core.intents import INTENTS, STATIC_INTENTS, TOOL_ALIASES

PLUGIN = '''
from venom_core.agents.spec import STRONG, AgentSpec


class WeatherAgent:
    name = "WeatherAgent"
    tool = None

    async def run(self, run):
        return "sunny"


def register_agents(register):
    register(AgentSpec(intent="WEATHER", description="the weather forecast", factory=lambda d: WeatherAgent(),
                       aliases=("weather",), patterns={"en": [(r"\\bweather forecast\\b", STRONG)]}))
'''

PROBE = '''
import json
from venom_core.api.schemas import TaskRequest
from venom_core.core.intents import INTENTS, TOOL_ALIASES
from venom_core.orchestrator.routing import classify
print(json.dumps({"intent": "WEATHER" in INTENTS, "alias": TOOL_ALIASES.get("weather"),
                  "lexicon": classify("what is the weather forecast for today").intent,
                  "slash": classify("/weather Warsaw").intent,
                  "forced": TaskRequest(content="x", forced_intent="WEATHER").forced_intent}))
'''


def test_every_intent_has_one_spec() -> None:
    assert len(set(INTENTS)) == len(INTENTS) == len(list(AGENTS))
    assert {"HELP_REQUEST", "TIME_REQUEST", "INFRA_STATUS"} == STATIC_INTENTS
    assert all(AGENTS.get(i) is not None and AGENTS.get(i).factory is None for i in STATIC_INTENTS)  # type: ignore[union-attr]
    assert TOOL_ALIASES["git"] == "VERSION_CONTROL" and TOOL_ALIASES["compose"] == "CODE_GENERATION"
    coder = AGENTS.get("CODE_GENERATION")
    assert coder is not None and coder.permission == "file_write" and coder.patterns


def test_an_agent_is_one_plugin_file(tmp_path: Path) -> None:
    (tmp_path / "weather_agent.py").write_text(PLUGIN)
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{tmp_path}", "VENOM_AGENT_PLUGINS": "weather_agent"}
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True,
                         timeout=120)
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen == {"intent": True, "alias": "WEATHER", "lexicon": "WEATHER", "slash": "WEATHER", "forced": "WEATHER"}
