"""The env file behind `Settings`: validated writes, backups and restore (`/api/v1/config/*`).

Why an env file and not a table: pydantic-settings already reads `.env` (or `ENV_FILE`) at start,
so a value written here is exactly what the next start uses, with the same validation, and an
operator can still read and edit it by hand. Writes never apply to the running process (most
subsystems read their settings once at start); `pending()` shows what the next start will change.
The process environment wins over the file, so a key set there is refused rather than silently
ignored after the restart.
"""

from __future__ import annotations

import os
import re
import shutil
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from dotenv import dotenv_values
from pydantic import ValidationError

from venom_core.config import SECRET_MARKERS, Settings
from venom_core.core.errors import VenomError

Source = Literal["env", "env_file", "default"]
UpdateValue = str | int | float | bool | None

MASK = "********"
MAX_VALUE_CHARS = 4096
_LINE_KEY = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=")
BACKUP_NAME = re.compile(r"^[A-Za-z0-9_.-]+\.\d{8}T\d{6}(?:\d{6})?Z\.bak$")


class ConfigError(VenomError):
    """A refused write: `code` is stable, `details` never holds a submitted value."""

    def __init__(self, status: int, code: str, message: str, details: Any = None):
        super().__init__(code, message, status=status, details=details)


def is_secret(key: str) -> bool:
    return any(m in key for m in SECRET_MARKERS)


def mask(key: str, value: object) -> object:
    if isinstance(value, Path):
        value = str(value)
    return MASK if is_secret(key) and value not in ("", None) else value


def _env_text(value: UpdateValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _quote(text: str) -> str:
    """Single quotes. Inside them python-dotenv reads `\\\\` as one backslash and `\\'` as a
    quote (and nothing else), so escaping exactly those two makes every value `_unsafe` lets
    through read back as written, a trailing backslash included."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _unsafe(value: str) -> str | None:
    """Why `value` cannot be written to the env file unambiguously, or None.

    Control characters (line breaks of any kind, form feed, NUL, ...) and the Unicode line and
    paragraph separators would split or end the line for some reader of the file; `${` is
    expanded by python-dotenv as a variable even inside quotes."""
    for ch in value:
        kind = unicodedata.category(ch)
        if kind == "Cs":
            return "the value is not valid Unicode text (a lone surrogate)"
        if kind in ("Cc", "Zl", "Zp"):
            return f"control characters and line separators are not allowed (found U+{ord(ch):04X})"
    if "${" in value:
        return "'${' is not allowed (the env file would expand it as a variable)"
    if len(value) > MAX_VALUE_CHARS:
        return f"a value may be at most {MAX_VALUE_CHARS} characters long"
    return None


@dataclass
class ConfigStore:
    """One env file (`path`) and its backups directory."""

    path: Path
    backup_dir: Path

    @classmethod
    def for_settings(cls, settings: Settings) -> ConfigStore:
        env_file = Path(os.environ.get("ENV_FILE", ".env"))
        return cls(env_file.resolve(), (settings.VENOM_DATA_DIR / "config_backups").resolve())

    # --- reading -------------------------------------------------------------------------
    def file_values(self) -> dict[str, str | None]:
        return dict(dotenv_values(self.path)) if self.path.is_file() else {}

    def sources(self) -> dict[str, Source]:
        in_file = self.file_values()
        out: dict[str, Source] = {}
        for key in Settings.model_fields:
            out[key] = "env" if key in os.environ else "env_file" if key in in_file else "default"
        return out

    def next_start(self) -> Settings:
        """The settings the next start would build (environment, then this file, then defaults)."""
        return Settings(_env_file=self.path if self.path.is_file() else None)  # type: ignore[call-arg]

    def pending(self, current: Settings) -> tuple[dict[str, object], str | None]:
        """Keys whose saved value differs from the running one, masked; or the file's error."""
        try:
            upcoming = self.next_start()
        except ValidationError as exc:
            return {}, "; ".join(_describe(e) for e in exc.errors()[:5])
        changed: dict[str, object] = {}
        for key in Settings.model_fields:
            new = getattr(upcoming, key)
            if new != getattr(current, key):
                changed[key] = mask(key, new)
        return changed, None

    # --- writing -------------------------------------------------------------------------
    def validate(self, updates: dict[str, UpdateValue]) -> None:
        """Refuse unknown keys, keys the environment overrides, and values Settings would refuse."""
        if not updates:
            raise ConfigError(422, "empty_update", "No settings to change: `updates` is empty.")
        unknown = sorted(k for k in updates if k not in Settings.model_fields)
        if unknown:
            raise ConfigError(422, "unknown_config_key",
                              f"Unknown setting(s): {', '.join(unknown)}. See docs/CONFIGURATION.md.",
                              {"unknown_keys": unknown})
        shadowed = sorted(k for k in updates if k in os.environ)
        if shadowed:
            raise ConfigError(409, "set_by_environment",
                              f"{', '.join(shadowed)} is set in the process environment, which wins over the "
                              "env file; change it there.", {"keys": shadowed})
        for key, value in updates.items():
            problem = _unsafe(value) if isinstance(value, str) else None
            if problem is not None:
                raise ConfigError(422, "invalid_config_value", f"{key}: {problem}.",
                                  [{"key": key, "message": problem}])
        file_vals = {k: v for k, v in self.file_values().items() if k in Settings.model_fields and v is not None}
        merged: dict[str, Any] = {**file_vals}
        for key, value in updates.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = _env_text(value)
        env_vals = {k: os.environ[k] for k in Settings.model_fields if k in os.environ}
        try:
            Settings(_env_file=None, **{**merged, **env_vals})  # type: ignore[call-arg]
        except ValidationError as exc:
            problems = [{"key": ".".join(str(p) for p in e.get("loc", ())) or None, "message": str(e.get("msg"))}
                        for e in exc.errors()]
            raise ConfigError(422, "invalid_config_value",
                              "Invalid setting: " + "; ".join(_describe(e) for e in exc.errors()[:5]) + ".",
                              problems) from None

    def write(self, updates: dict[str, UpdateValue]) -> str | None:
        """Validate, back up the current file, then replace it atomically. Returns the backup name."""
        self.validate(updates)
        backup = self.backup()
        # Split on "\n" only: splitlines() also splits on form feeds and other separators that
        # python-dotenv does not treat as line ends, so lines would shift.
        text = self.path.read_text(encoding="utf-8") if self.path.is_file() else ""
        lines = text.removesuffix("\n").split("\n") if text else []
        todo = dict(updates)
        out: list[str] = []
        for line in lines:
            m = _LINE_KEY.match(line)
            if m and m.group(1) in updates:
                key = m.group(1)
                if key in todo and todo[key] is not None:
                    out.append(f"{key}={_quote(_env_text(todo[key]))}")
                todo.pop(key, None)  # later duplicates of the key are dropped
                continue
            out.append(line)
        out += [f"{k}={_quote(_env_text(v))}" for k, v in todo.items() if v is not None]
        self._replace(self.path, "\n".join(out) + "\n")
        return backup

    def backup(self) -> str | None:
        if not self.path.is_file():
            return None
        self.backup_dir.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"{time.time_ns() // 1000 % 1_000_000:06d}Z"
        name = f"{self.path.name.lstrip('.') or 'env'}.{stamp}.bak"
        shutil.copy2(self.path, self.backup_dir / name)
        return name

    def backups(self, limit: int) -> list[dict[str, Any]]:
        if not self.backup_dir.is_dir():
            return []
        files = sorted((p for p in self.backup_dir.iterdir() if BACKUP_NAME.match(p.name)),
                       key=lambda p: p.name.rsplit(".", 2)[-2], reverse=True)
        return [{"filename": p.name, "size_bytes": p.stat().st_size,
                 "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(p.stat().st_mtime))}
                for p in files[:limit]]

    def restore(self, filename: str) -> str | None:
        """Put a backup back (the current file is backed up first); the backup must validate."""
        if not BACKUP_NAME.match(filename) or not (self.backup_dir / filename).is_file():
            raise ConfigError(404, "backup_not_found", f"There is no config backup named {filename!r}.")
        source = self.backup_dir / filename
        try:
            Settings(_env_file=source)  # type: ignore[call-arg]
        except ValidationError as exc:
            raise ConfigError(422, "invalid_backup", "The backup holds invalid settings: "
                              + "; ".join(_describe(e) for e in exc.errors()[:5]) + ".") from None
        previous = self.backup()
        self._replace(self.path, source.read_text(encoding="utf-8"))
        return previous

    @staticmethod
    def _replace(path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        tmp.write_text(text, encoding="utf-8")
        if path.is_file():
            shutil.copymode(path, tmp)
        os.replace(tmp, path)


def _describe(err: Any) -> str:
    loc = ".".join(str(p) for p in err.get("loc", ()))
    msg = str(err.get("msg", "is invalid")).removeprefix("Value error, ")
    return f"{loc}: {msg}" if loc else msg
