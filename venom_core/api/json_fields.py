"""Field types for free-form JSON in request models: every one is bounded the same way.

Use `JsonObject` (or `JsonValue`, `JsonObjectList`) for any request field whose shape the API
does not fix. A value beyond the limits of `core.json_safety.DEFAULT_LIMITS` is answered with 422
`validation_error` and a sentence naming the limit, before anything is stored.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from venom_core.core.json_safety import DEFAULT_LIMITS, check

LIMITS = DEFAULT_LIMITS
LIMITS_TEXT = (f"Free-form JSON: at most {LIMITS.max_depth} levels deep, {LIMITS.max_items} entries per "
               f"object or array, {LIMITS.max_string} characters per string, {LIMITS.max_nodes} values in all.")


def _bounded(value: Any) -> Any:
    problem = check(value, LIMITS)
    if problem is not None:
        raise ValueError(f"the value {problem}; {LIMITS_TEXT[0].lower()}{LIMITS_TEXT[1:]}")
    return value


JsonObject = Annotated[dict[str, Any], BeforeValidator(_bounded),
                       Field(description=LIMITS_TEXT, json_schema_extra={"maxProperties": LIMITS.max_items})]
JsonValue = Annotated[Any, BeforeValidator(_bounded), Field(description=LIMITS_TEXT)]
JsonObjectList = Annotated[list[dict[str, Any]], BeforeValidator(_bounded), Field(description=LIMITS_TEXT)]
# Short texts inside structured lists (file names, links, notes).
ShortText = Annotated[str, Field(max_length=4096)]
