"""The fast argument check never accepts what JSON Schema refuses: for any flat schema and any
arguments, `fast_test` passing implies jsonschema passing, and the errors are jsonschema's."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema.validators import validator_for

from tests.tools.conftest import KeptEvents
from venom_core.tools.arguments import ArgumentCheck, fast_test
from venom_core.tools.events import CallEvents

NAMES = st.sampled_from(["a", "b", "path", "limit"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(-5, 5), st.just(float("nan")), st.just(2.0),
                    st.text(max_size=6), st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=2),
                                                                                           st.integers(), max_size=2))


@st.composite
def properties(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["string", "integer", "number", "boolean", "null", "array", "object", "weird"]))
    schema: dict[str, Any] = {"type": kind} if kind != "weird" else {"type": ["string", "null"]}
    if kind in ("integer", "number") and draw(st.booleans()):
        schema["minimum"] = draw(st.integers(-3, 0))
        schema["maximum"] = draw(st.integers(0, 3))
    if kind == "string" and draw(st.booleans()):
        schema["minLength"], schema["maxLength"] = draw(st.integers(0, 2)), draw(st.integers(2, 5))
    if draw(st.booleans()):
        schema["enum"] = draw(st.lists(SCALARS, min_size=1, max_size=3))
    if draw(st.booleans()):
        schema["description"] = "text"
    if draw(st.integers(0, 9)) == 0:
        schema["pattern"] = "^a"  # outside the fast subset: jsonschema decides
    return schema


SCHEMAS = st.fixed_dictionaries(
    {"type": st.just("object"), "properties": st.dictionaries(NAMES, properties(), max_size=3)},
    optional={"required": st.lists(NAMES, max_size=2, unique=True), "additionalProperties": st.booleans(),
              "title": st.just("args")})


@settings(max_examples=400, deadline=None)
@given(SCHEMAS, st.dictionaries(NAMES, SCALARS, max_size=3))
def test_fast_acceptance_implies_jsonschema_acceptance(schema: dict[str, Any], arguments: dict[str, Any]) -> None:
    reference = validator_for(schema)(schema)
    fast = fast_test(schema)
    if fast is not None and fast(arguments):
        assert reference.is_valid(arguments), (schema, arguments)
    assert (ArgumentCheck(schema).errors(arguments) == []) == reference.is_valid(arguments)


def test_the_common_schemas_take_the_fast_path() -> None:
    sdk_made = {"type": "object", "title": "timedArguments",
                "properties": {"text": {"type": "string", "title": "Text", "default": ""}}}
    assert fast_test(sdk_made) is not None
    check = ArgumentCheck(sdk_made)
    assert check.errors({"text": "x"}) == [] and check._validator is None  # jsonschema never compiled
    errors = check.errors({"text": 5})
    assert errors and errors[0]["loc"] == ["arguments", "text"]


def test_known_secrets_are_masked_before_the_arguments_are_shortened() -> None:
    secret = "s3cr3t-value-" + "x" * 40
    events = CallEvents(KeptEvents(), [secret, "tiny"])
    shown = events.masked({"text": "a" * 190 + secret, "nested": [{"k": f"say {secret}"}], "n": 3})
    assert secret[:8] not in str(shown)  # the trail cuts long strings: a cut secret must not show its start
    assert shown["n"] == 3
    assert secret not in events.preview(f"the {secret} is here")
