"""The `mcpServers` configuration: the JSON other MCP clients use, validated, stored atomically.

    {"mcpServers": {
        "files": {"command": "npx", "args": ["-y", "some-mcp-server"], "env": {"ROOT": "/data"}},
        "search": {"url": "http://127.0.0.1:9000/mcp", "headers": {"Authorization": "Bearer ..."}}}}

A server is either stdio (`command`, `args`, `env`, optional `cwd`) or streamable HTTP (`url`,
`headers`); `disabled: true` keeps it in the file without starting it. The file is written with a
temporary file and a rename, so a reader never sees half of it and a failed write keeps the old one.
Values shown to clients are masked (`masked`); a masked value sent back in a PUT keeps the stored one.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from venom_core.core.errors import VenomError
from venom_core.core.masking import MASK, is_secret_name, mask_text, mask_url

SERVER_NAME = r"^[a-zA-Z0-9_-]{1,32}$"
MAX_SERVERS = 50  # each one is a process or a connection
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})


class McpServerConfig(BaseModel):
    model_config = ConfigDict(extra="allow")  # other clients' fields (e.g. "type") are kept, not refused

    command: str | None = Field(default=None, min_length=1, max_length=4096)
    args: list[str] = Field(default_factory=list, max_length=256)
    env: dict[str, str] = Field(default_factory=dict)
    cwd: str | None = None
    url: str | None = Field(default=None, min_length=1, max_length=4096)
    headers: dict[str, str] = Field(default_factory=dict)
    disabled: bool = False

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.lower().startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @field_validator("env")
    @classmethod
    def _env_names(cls, value: dict[str, str]) -> dict[str, str]:
        for name in value:
            if not name or "=" in name or "\0" in name:
                raise ValueError(f"{name!r} is not an environment variable name")
        return value

    @model_validator(mode="after")
    def _one_transport(self) -> McpServerConfig:
        if (self.command is None) == (self.url is None):
            raise ValueError("a server needs either 'command' (stdio) or 'url' (streamable HTTP), not both")
        return self

    @property
    def transport(self) -> str:
        return "stdio" if self.command is not None else "http"

    def masked(self) -> dict[str, Any]:
        out = self.model_dump(exclude_none=True)
        out["env"] = {k: _mask_value(k, v) for k, v in self.env.items()}
        out["headers"] = {k: MASK if k.lower() in SECRET_HEADERS else _mask_value(k, v)
                          for k, v in self.headers.items()}
        if self.url is not None:
            out["url"] = mask_url(self.url)
        out["args"] = [mask_text(a) for a in self.args]
        for key, value in (self.model_extra or {}).items():  # other clients' fields may hold keys too
            out[key] = _mask_any(key, value)
        return out


class McpConfig(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    mcpServers: dict[str, McpServerConfig] = Field(default_factory=dict, max_length=MAX_SERVERS)

    @field_validator("mcpServers")
    @classmethod
    def _names(cls, value: dict[str, McpServerConfig]) -> dict[str, McpServerConfig]:
        import re

        for name in value:
            if not re.match(SERVER_NAME, name):
                raise ValueError(f"server name {name!r} must match {SERVER_NAME} (it becomes part of tool names)")
        return value

    def masked(self) -> dict[str, Any]:
        return {"mcpServers": {name: server.masked() for name, server in self.mcpServers.items()}}


def _mask_value(name: str, value: str) -> str:
    return MASK if is_secret_name(name) and value else mask_text(value)


def _mask_any(name: str, value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _mask_any(str(k), v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_any(name, v) for v in value]
    if isinstance(value, str):
        return _mask_value(name, value)
    return value


def keep_masked(new: McpConfig, old: McpConfig) -> McpConfig:
    """A PUT that sends back a masked value (`********`) keeps the stored secret."""
    for name, server in new.mcpServers.items():
        before = old.mcpServers.get(name)
        if before is None:
            continue
        for mine, theirs in ((server.env, before.env), (server.headers, before.headers)):
            for key, value in list(mine.items()):
                if MASK in value and key in theirs:
                    mine[key] = theirs[key]
        if server.url and before.url and MASK in server.url:
            server.url = before.url
        extra, old_extra = server.model_extra or {}, before.model_extra or {}
        for key, value in list(extra.items()):
            if MASK in json.dumps(value) and key in old_extra:
                extra[key] = old_extra[key]
        if len(server.args) == len(before.args):
            server.args = [old if MASK in new else new for new, old in zip(server.args, before.args, strict=True)]
    return new


class ConfigFileError(VenomError):
    """The MCP config file on disk cannot be used (the running config stays as it was)."""

    status = 422
    code = "mcp_config_invalid"

    def __init__(self, path: Path, reason: str):
        super().__init__(message=f"The MCP config file {path} {reason}.")
        self.path, self.reason = path, reason

    def __str__(self) -> str:  # the manager shows `path: reason` as the config error
        return f"{self.path}: {self.reason}"


def load_config(path: Path) -> McpConfig:
    """The config in `path`; an absent file is an empty config. Raises ConfigFileError with a reason."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return McpConfig()
    except OSError as exc:
        raise ConfigFileError(path, f"cannot be read ({exc.strerror or exc})") from None
    try:
        return McpConfig.model_validate(json.loads(raw or "{}"))
    except json.JSONDecodeError as exc:
        raise ConfigFileError(path, f"is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise ConfigFileError(path, f"is not a valid mcpServers config ({where}: {first.get('msg')})") from None


def save_config(path: Path, config: McpConfig) -> None:
    """Write atomically: a temporary file in the same folder, fsync, rename over the old one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(config.model_dump(mode="json", exclude_none=True, exclude_defaults=True), indent=2) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=".mcp-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)  # it may hold tokens
        os.replace(tmp, path)
    except BaseException:
        with _suppress():
            os.unlink(tmp)
        raise


def _suppress() -> Any:
    import contextlib

    return contextlib.suppress(OSError)
