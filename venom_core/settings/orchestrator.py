"""Orchestrator and agents (issue 4: venom_core/orchestrator, venom_core/agents).

Autonomy, the intent classifier, chat context, the Researcher's web access and the fetches of
task-chosen URLs (net/outbound.py).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

from venom_core.net.addresses import parse_allow_list


class OrchestratorSettings(BaseModel):
    """How far the agents may go on their own, and what they may fetch."""

    # Autonomy level until one is stored with POST /api/v1/system/autonomy (0/10/20/30/40).
    VENOM_AUTONOMY_LEVEL: Literal[0, 10, 20, 30, 40] = Field(
        0,
        description="Autonomy level until one is stored with POST /api/v1/system/autonomy (0/10/20/30/40); paid cloud"
        " APIs need 20 or more")
    VENOM_AUTONOMY_ALLOW_ONCE_MAX_LEVEL: Literal[0, 10, 20, 30] = Field(
        30,
        description="Highest autonomy level an admin may grant one refused task with 'allow once' (0 turns it off;"
        " never 40, shell)")
    # Budget of the LLM intent classifier (used only for ambiguous messages, never for plain chat).
    INTENT_CLASSIFIER_TIMEOUT_SECONDS: float = Field(default=1.5, gt=0, le=30,
        description="Budget of the LLM intent classifier, used only when two strong intents tie")
    VENOM_SESSION_HISTORY_TURNS: int = Field(default=20, ge=0, le=200,
        description="Session turns put into chat context")
    VENOM_MAX_CONTEXT_CHARS: int = Field(default=8000, ge=500,
        description="Context budget (the reference's MAX_CONTEXT_CHARS)")  # MAX_CONTEXT_CHARS of the reference
    VENOM_SEARCH_URL: str = Field(  # Researcher's search endpoint
        "https://html.duckduckgo.com/html/",
        description="The Researcher's search endpoint")
    VENOM_WEB_CONNECT_TIMEOUT: float = Field(default=3.0, gt=0, le=60,
        description="Offline gives network_unavailable after this, never a hang")  # offline -> network_unavailable fast
    # Fetches of task-chosen URLs (net/outbound.py): public addresses only, unless allowed here.
    VENOM_OUTBOUND_ALLOW_PRIVATE: bool = Field(  # true: loopback, LAN and link-local addresses too
        False,
        description="True: loopback, LAN and link-local addresses may be fetched too (unspecified and multicast "
        "never)")
    VENOM_OUTBOUND_ALLOW_HOSTS: str = Field(
        "",
        description="Comma-separated exceptions: host names (search.lan, *.lan), addresses (10.0.0.5, [fd00::5]), "
        "networks (10.0.0.0/24)")
    VENOM_OUTBOUND_MAX_BYTES: int = Field(default=5_000_000, ge=1024, le=1_000_000_000,
        description="Body cap per fetch; reading stops there and the page is marked truncated")  # body cap per fetch
    VENOM_OUTBOUND_MAX_REDIRECTS: int = Field(default=5, ge=0, le=20,
        description="Redirects followed per fetch, each one checked like the first; more gives "
        "outbound_too_many_redirects")
    VENOM_OUTBOUND_TIMEOUT_SECONDS: float = Field(default=20.0, gt=0, le=600,
        description="Deadline of one fetch, redirects included (outbound_timeout)")  # one fetch, redirects included
    VENOM_ARCHITECT_RUN_STEPS: bool = Field(  # run each plan step as a sub-task
        True,
        description="Run each plan step as a sub-task")
    VENOM_PLAN_STEP_TIMEOUT_SECONDS: float = Field(default=300.0, gt=0,
        description="How long the Architect waits for one step")

    @field_validator("VENOM_OUTBOUND_ALLOW_HOSTS")
    @classmethod
    def _valid_allow_hosts(cls, value: str) -> str:
        parse_allow_list(value)  # a ValueError names the bad entry
        return value

    @field_validator("VENOM_AUTONOMY_LEVEL", "VENOM_AUTONOMY_ALLOW_ONCE_MAX_LEVEL", mode="before")
    @classmethod
    def _level_from_text(cls, v: object) -> object:
        """The environment gives text; a Literal of ints accepts only ints."""
        return int(v) if isinstance(v, str) and v.strip().isascii() and v.strip().isdigit() else v
