"""`response_format`: the one place that reads and checks a client's request for JSON output.

Both the direct route (`POST /api/v1/llm/simple/stream`) and tasks (`generation_params`) take
the OpenAI shape, `{"type": "json_schema", "json_schema": {"schema": {...}}}`, or the
llama.cpp shape, `{"type": "json_object", "schema": {...}}` (no schema: any JSON object).
The schema is checked against the JSON Schema meta-schema when the request arrives, so a
schema no runtime could turn into a grammar is a 422 with the reason, not a task that fails
later with the runtime's own error.
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from jsonschema.validators import validator_for

DESCRIPTION = ('`{"type": "json_schema", "json_schema": {"schema": {...}}}` or '
               '`{"type": "json_object", "schema": {...}}`: the answer is JSON that follows the schema.')
ANY_OBJECT: dict[str, Any] = {"type": "object"}


def schema_of(response_format: Any) -> dict[str, Any] | None:
    """The JSON schema `response_format` asks for (None when it is None).

    Raises ValueError with a sentence saying what is wrong, which pydantic turns into a 422.
    """
    if response_format is None:
        return None
    if not isinstance(response_format, dict):
        raise ValueError("response_format must be an object such as "
                         '{"type": "json_schema", "json_schema": {"schema": {...}}}')
    kind = response_format.get("type")
    if kind == "json_schema":
        wrapper = response_format.get("json_schema")
        schema = wrapper.get("schema") if isinstance(wrapper, dict) else None
        if not isinstance(schema, dict):
            raise ValueError('response_format of type "json_schema" needs an object at json_schema.schema')
    elif kind == "json_object":
        schema = response_format.get("schema", ANY_OBJECT)
        if not isinstance(schema, dict):
            raise ValueError('response_format.schema must be an object (a JSON schema)')
    else:
        raise ValueError(f'response_format.type must be "json_schema" or "json_object", not {kind!r}')
    check_schema(schema)
    return schema


def check_schema(schema: dict[str, Any]) -> None:
    """Raise ValueError unless `schema` is a valid JSON Schema (the draft its `$schema` names, else 2020-12)."""
    validator = validator_for(schema, default=Draft202012Validator)
    try:
        validator.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.path) or "the top level"
        raise ValueError(f"response_format schema is not a valid JSON Schema at {where}: {exc.message}") from None
