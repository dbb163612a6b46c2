"""The static intents: help, time and system status, answered by `core.fast_paths` with no model.

They have no agent (`factory=None`); their specs give the router their phrases and patterns.
"""

from __future__ import annotations

from venom_core.agents.spec import STRONG, AgentSpec, Register

TIME_PATTERNS: dict[str, list[tuple[str, float]]] = {
    "en": [(r"\bwhat time is it\b", STRONG), (r"\bwhat(s| is) the (time|date)\b", STRONG),
           (r"\bcurrent (time|date)\b", STRONG), (r"\bwhat day is (it|today)\b", STRONG)],
    "pl": [(r"\bktora (jest )?godzina\b", STRONG), (r"\bjaki (jest )?dzis dzien\b", STRONG),
           (r"\bjaka (jest )?(dzis )?data\b", STRONG)],
    "de": [(r"\bwie spat ist es\b", STRONG), (r"\bwie viel uhr\b", STRONG), (r"\bwelches datum\b", STRONG),
           (r"\bwelcher tag ist heute\b", STRONG)],
}


INFRA_PATTERNS: dict[str, list[tuple[str, float]]] = {
    "en": [(r"\b(system|service|server|infra(structure)?) (status|health)\b", STRONG),
           (r"\bstatus of (the )?(services|system|server)\b", STRONG)],
    "pl": [(r"\bstatus (uslug|systemu|serwera)\b", STRONG), (r"\bstan (serwera|systemu|uslug)\b", STRONG)],
    "de": [(r"\b(system|dienst|server)status\b", STRONG), (r"\bstatus der (dienste|server)\b", STRONG)],
}


def register_agents(register: Register) -> None:
    register(AgentSpec(
        intent="HELP_REQUEST", description="what Venom can do: agents, slash commands, examples", rank=160,
        factory=None, commands=("help", "pomoc", "hilfe", "commands"),
        phrases=("help", "help me", "what can you do", "how do i use you", "show commands",
                 "pomoc", "pomocy", "co potrafisz", "co umiesz", "jak cie uzywac",
                 "hilfe", "was kannst du", "wie benutze ich dich"),
    ))
    register(AgentSpec(
        intent="TIME_REQUEST", description="current time or date", rank=140, factory=None, aliases=("chrono",),
        patterns=TIME_PATTERNS, tool_intent=True,
        phrases=("what time is it", "what is the time", "current time", "what day is it", "what is the date",
                 "ktora godzina", "ktora jest godzina", "jaki jest dzien", "jaka jest data",
                 "wie spat ist es", "wie viel uhr ist es", "welches datum ist heute"),
    ))
    register(AgentSpec(
        intent="INFRA_STATUS", description="status of the servers and services", rank=130, factory=None,
        patterns=INFRA_PATTERNS, tool_intent=True,
        phrases=("system status", "service status", "status of services", "infra status", "server status",
                 "status uslug", "status systemu", "stan serwera",
                 "systemstatus", "dienststatus", "status der dienste"),
    ))
