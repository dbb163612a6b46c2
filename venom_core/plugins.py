"""Where plugins come from, for every registry that takes them (LLM runtimes, agents).

A plugin is a module with a hook function (`register_providers(register)`, `register_agents(register)`)
that calls `register` once per thing it offers, as simonw/llm's `register_models` does. Hooks are
collected from: every module of the built-in package, so the built-ins use the same hook as any
plugin; every module of an entry point group (installed packages); the modules named in an
environment variable, comma-separated (a test's fake, one being developed). This module imports
nothing from Venom, so any layer may use it.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from collections.abc import Callable
from importlib.metadata import entry_points
from types import ModuleType
from typing import TypeVar

from loguru import logger

T = TypeVar("T")


def load_hooks(package: ModuleType, hook_name: str, entry_point_group: str, env_variable: str,
               register: Callable[[T], None]) -> None:
    def run(module: ModuleType) -> None:
        hook = getattr(module, hook_name, None)
        if callable(hook):
            hook(register)

    for info in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
        run(importlib.import_module(info.name))
    for point in entry_points(group=entry_point_group):
        try:
            run(point.load())
        except Exception:  # a broken third-party plugin must not stop Venom
            logger.exception("the plugin {} ({}) failed to load", point.value, entry_point_group)
    for name in filter(None, (n.strip() for n in os.environ.get(env_variable, "").split(","))):
        run(importlib.import_module(name))  # named on purpose: a typo fails loudly
