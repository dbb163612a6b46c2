"""The bounds every time and size setting is held to, whichever subsystem it belongs to.

A setting is found by its name's suffix (`_SECONDS`, `_TIMEOUT`, `_BYTES`, `_SIZE`), so a new one is
checked without being listed anywhere.
"""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, model_validator

# (name suffix, lowest, highest, unit): the bounds of every numeric time and size setting.
SANE_RANGES: tuple[tuple[str, float, float, str], ...] = (
    ("_SECONDS", 0, 86_400, "seconds (up to one day)"),
    ("_TIMEOUT", 0, 86_400, "seconds (up to one day)"),
    ("_BYTES", 0, 2**32, "bytes (up to 4 GiB)"),
    ("_SIZE", 0, 10_000_000, "entries"),
)


class SaneRanges(BaseModel):
    """No fields: the one check that looks at the settings of every subsystem."""

    @model_validator(mode="after")
    def _sane_times_and_sizes(self) -> Self:
        """Every time and size setting, found by its name, is finite (see `allow_inf_nan`) and
        within `SANE_RANGES`, so a typo fails at start-up instead of disabling a timeout."""
        problems: list[str] = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            for suffix, low, high, unit in SANE_RANGES:
                if name.endswith(suffix) and not low <= value <= high:
                    problems.append(f"{name}={value} is outside {low}..{high} {unit}")
        if problems:
            raise ValueError("; ".join(problems))
        return self
