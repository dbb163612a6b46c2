"""Checking a call's arguments against its tool's input schema, cheaply on every call.

Most tools (Venom's own, and the SDK-generated schemas of MCP servers) declare a flat object of
typed properties. For such a schema a few `type()` and `len()` tests decide that the arguments
fit, which costs a fraction of jsonschema's general walk. The fast test is strictly narrower than
JSON Schema (it accepts only what jsonschema would accept too), so whenever it does not accept, or
the schema uses anything beyond that small subset, jsonschema decides and explains the errors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MAX_ERRORS = 10
# Keywords that only describe, never constrain.
_NOTES = frozenset({"description", "title", "default", "examples", "$comment"})
_OBJECT_KEYS = _NOTES | {"type", "properties", "required", "additionalProperties", "$schema"}
_PROPERTY_KEYS = _NOTES | {"type", "minimum", "maximum", "minLength", "maxLength", "enum"}


def _is_string(v: Any) -> bool:
    return type(v) is str


def _is_integer(v: Any) -> bool:
    return type(v) is int


def _is_number(v: Any) -> bool:
    return type(v) is int or type(v) is float


_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": _is_string, "integer": _is_integer, "number": _is_number,
    "boolean": lambda v: type(v) is bool, "null": lambda v: v is None,
    "array": lambda v: type(v) is list, "object": lambda v: type(v) is dict,
}
Test = Callable[[Any], bool]


def _property_test(schema: Any) -> Test | None:
    """A test that only passes values the property schema accepts, or None if it is not that simple."""
    if not isinstance(schema, dict) or not schema.keys() <= _PROPERTY_KEYS or type(schema.get("type")) is not str:
        return None
    is_type = _TYPES.get(schema["type"])
    if is_type is None:
        return None
    low, high = schema.get("minimum"), schema.get("maximum")
    short, long = schema.get("minLength"), schema.get("maxLength")
    enum = schema.get("enum")
    if any(x is not None and not _is_number(x) for x in (low, high, short, long)):
        return None
    if enum is not None and not isinstance(enum, list):
        return None
    numeric = schema["type"] in ("integer", "number")
    if (low is not None or high is not None) and not numeric:
        return None
    if (short is not None or long is not None) and schema["type"] != "string":
        return None

    def test(v: Any) -> bool:
        if not is_type(v):
            return False
        if numeric and ((low is not None and v < low) or (high is not None and v > high)):
            return False
        if short is not None and len(v) < short:
            return False
        if long is not None and len(v) > long:
            return False
        return enum is None or any(type(e) is type(v) and e == v for e in enum)
    return test


def fast_test(schema: dict[str, Any]) -> Test | None:
    """A test for a flat object schema that passes only arguments the schema accepts, else None."""
    if not schema.keys() <= _OBJECT_KEYS or schema.get("type", "object") != "object":
        return None
    properties = schema.get("properties") or {}
    required = schema.get("required") or []
    extra = schema.get("additionalProperties", True)
    if not isinstance(properties, dict) or not isinstance(required, list) or type(extra) is not bool:
        return None
    tests = {name: _property_test(sub) for name, sub in properties.items()}
    if any(t is None for t in tests.values()):
        return None
    needed = frozenset(str(r) for r in required)
    checks: dict[str, Test] = {k: t for k, t in tests.items() if t is not None}

    def test(arguments: Any) -> bool:
        if type(arguments) is not dict or not needed <= arguments.keys():
            return False
        for key, value in arguments.items():
            check = checks.get(key)
            if check is None:
                if not extra:
                    return False
            elif not check(value):
                return False
        return True
    return test


class ArgumentCheck:
    """One tool's compiled argument check: the fast test when the schema allows, jsonschema otherwise."""

    def __init__(self, schema: dict[str, Any]):
        self.schema = schema
        self.fast = fast_test(schema)
        self._validator: Any = None

    def errors(self, arguments: dict[str, Any]) -> list[dict[str, Any]]:
        """The ways `arguments` fail the schema (empty when they pass), at most MAX_ERRORS."""
        if self.fast is not None and self.fast(arguments):
            return []
        if self._validator is None:  # compiling is most of jsonschema's cost, so it is kept
            from jsonschema.validators import validator_for

            self._validator = validator_for(self.schema)(self.schema)
        out: list[dict[str, Any]] = []
        for err in sorted(self._validator.iter_errors(arguments), key=lambda e: list(e.path)):
            out.append({"loc": ["arguments", *err.path], "msg": err.message[:300], "type": str(err.validator)})
            if len(out) >= MAX_ERRORS:
                break
        return out
