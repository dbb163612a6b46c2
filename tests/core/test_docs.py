"""Docs coverage: every setting is documented (datasette-style), so the reference cannot drift."""

from __future__ import annotations

from tests.conftest import ROOT
from venom_core.config import Settings


def test_every_setting_is_documented() -> None:
    doc = (ROOT / "docs" / "CONFIGURATION.md").read_text()
    missing = [name for name in Settings.model_fields if f"`{name}`" not in doc]
    assert missing == [], f"add these settings to docs/CONFIGURATION.md: {missing}"


def test_every_setting_describes_itself() -> None:
    """The Config screen shows each setting's own description (GET /api/v1/config/runtime)."""
    bare = [name for name, field in Settings.model_fields.items() if not (field.description or "").strip()]
    assert bare == [], f"give these settings a Field(description=...): {bare}"
