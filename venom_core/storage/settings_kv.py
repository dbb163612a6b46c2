"""The settings table as the stores above storage use it: a value (JSON) under a key.

`SqlStorage` is the one the app uses. `MemorySettings` keeps the values in a dict, for an object
built without a database (a test's autonomy gate, a store in a unit test): the object always has
a store to read and write, never a `None` to check first.
"""

from __future__ import annotations

from typing import Any, Protocol


class SettingsKV(Protocol):
    """The part of the storage layer a settings store needs (SqlStorage's settings table)."""

    async def get_setting(self, key: str) -> Any: ...

    async def set_setting(self, key: str, value: Any) -> None: ...


class MemorySettings:
    """Settings kept in this process only (gone at exit)."""

    def __init__(self) -> None:
        self._values: dict[str, Any] = {}

    async def get_setting(self, key: str) -> Any:
        return self._values.get(key)

    async def set_setting(self, key: str, value: Any) -> None:
        self._values[key] = value
