"""The environment an MCP server process starts with: an allow-list, never Venom's own.

Venom's environment holds its API token and provider keys; a child gets only the variables a
program needs to run (PATH, HOME, the locale, the temp folder...) plus what its config's `env`
sets. The SDK's `stdio_client` adds its own short list of the same kind (HOME, PATH, SHELL, TERM,
USER, LOGNAME on POSIX), never more.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

ALLOWED = (
    "PATH", "HOME", "USER", "LOGNAME", "SHELL", "TERM", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_MESSAGES",
    "TZ", "TMPDIR", "TEMP", "TMP", "XDG_RUNTIME_DIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
    # Windows needs these to start most programs.
    "SYSTEMROOT", "SYSTEMDRIVE", "WINDIR", "COMSPEC", "PATHEXT", "APPDATA", "LOCALAPPDATA", "USERPROFILE",
    "PROGRAMDATA", "PROGRAMFILES",
)


def child_environment(own: Mapping[str, str], parent: Mapping[str, str] | None = None) -> dict[str, str]:
    """The allow-listed variables of `parent` (default: this process) with the server's `own` over them."""
    source = os.environ if parent is None else parent
    env = {name: source[name] for name in ALLOWED if name in source and not source[name].startswith("()")}
    env.update(own)
    return env
