"""How a test reads model output: never by its words (docs/TESTING.md).

llama.cpp picks SIMD kernels for the CPU it runs on, so the same greedy prompt gives different
words on different machines. A test either constrains the answer with a JSON schema whose field
is an enum and checks the value is one of the enum's members, or asserts structure (status,
fields, chunks, order). These helpers are the first pattern.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

CITIES = ("Paris", "Rome", "Berlin")
CITY_QUESTION = "Which city is the capital of France? Answer in JSON."


def enum_schema(field: str, values: Sequence[str]) -> dict[str, Any]:
    """An object with one required string field limited to `values`."""
    return {"type": "object", "properties": {field: {"type": "string", "enum": list(values)}}, "required": [field]}


CITY_SCHEMA = enum_schema("city", CITIES)

# An answer the grammar cannot end before `max_tokens`: at least 2000 strings of 2000 characters
# (llama.cpp refuses repetition counts above 2000, so the length is nested). Generation therefore
# runs until it is stopped or hits `max_tokens`, whatever the model would have said, which lets a
# test hold the model busy without depending on how long its free text happens to be.
ENDLESS_SCHEMA: dict[str, Any] = {"type": "array", "minItems": 2000,
                                  "items": {"type": "string", "minLength": 2000}}


def response_format(schema: dict[str, Any]) -> dict[str, Any]:
    """The `response_format` of the direct route (`POST /api/v1/llm/simple/stream`)."""
    return {"type": "json_schema", "json_schema": {"schema": schema}}


def assert_answer_in_enum(text: str, field: str, allowed: Sequence[str]) -> str:
    """`text` is a JSON object whose `field` is one of `allowed`; returns that value."""
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise AssertionError(f"the constrained answer is not JSON: {text!r}") from exc
    assert isinstance(value, dict) and field in value, f"no {field!r} in the constrained answer: {text!r}"
    assert value[field] in allowed, f"{value[field]!r} is not one of {list(allowed)}"
    return str(value[field])


# A chat task whose answer the grammar cannot end before `max_tokens` (ENDLESS_SCHEMA), so it is
# still generating when a test acts on it, whatever the model would say and however fast it is.
ENDLESS_TASK: dict[str, Any] = {
    "content": "Write many words.", "forced_intent": "GENERAL_CHAT", "store_knowledge": False,
    "generation_params": {"max_tokens": 4000, "temperature": 0, "response_format": response_format(ENDLESS_SCHEMA)},
}
