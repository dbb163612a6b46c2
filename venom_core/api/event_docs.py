"""The event shapes in the OpenAPI document: the WebSocket envelope and the SSE frames.

FastAPI documents neither a WebSocket nor the frames inside a `text/event-stream` body, so
`document_events` adds them to `components.schemas` itself:

- `WsEvent`: one `/ws/events` message, a union discriminated on `type` with one member per
  `EventType` (`WsEvent<Name>`), whose `data` is that type's payload model (`core.events`);
- `TaskStreamFrame`: one frame of `GET /api/v1/tasks/{id}/stream`, discriminated on `event`
  (its `data` decoded); `TaskStreamEvent` the same as sent, `data` being JSON text.

From there the UI's generated types cover every event, so a listener for a type that does not
exist fails to compile.
"""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter
from pydantic.json_schema import models_json_schema

from venom_core.core.events import PAYLOADS
from venom_core.core.frames import TaskStreamFrame

REF = "#/components/schemas/{model}"
WS_EVENT = "WsEvent"
STREAM_FRAME = "TaskStreamFrame"
# The same frames as they travel: `data:` is a line of JSON text, described by its content schema
# (what a validator of the stream, such as schemathesis, decodes and checks).
STREAM_EVENT = "TaskStreamEvent"

# `Event.envelope()` adds these to the data of a task's events.
_TASK_FIELDS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "task_id": {"type": "string", "description": "The task the event belongs to."},
        "seq": {"type": "integer", "minimum": 1, "description": "Its number within the task, from 1."},
    },
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": REF.format(model=name)}


def _envelope(event_type: str, payload: str) -> dict[str, Any]:
    return {
        "type": "object",
        "title": f"WsEvent{payload.removesuffix('Payload')}",
        "description": f"A `{event_type}` message of `/ws/events`.",
        "required": ["type", "agent", "message", "timestamp", "data", "gseq"],
        "properties": {
            "type": {"type": "string", "const": event_type, "enum": [event_type]},
            "agent": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            "message": {"type": "string"},
            "timestamp": {"type": "string", "format": "date-time"},
            "data": {"allOf": [_ref(payload), _TASK_FIELDS]},
            "gseq": {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}],
                     "description": "The stored event's global number (resume with `?since=`); null for a "
                                    "message that is not stored (SYSTEM_LOG)."},
        },
    }


def event_schemas() -> dict[str, Any]:
    """The component schemas that describe the events (payloads, envelopes, frames)."""
    _, payload_defs = models_json_schema([(m, "validation") for m in PAYLOADS.values()], ref_template=REF)
    schemas: dict[str, Any] = dict(payload_defs.get("$defs", {}))
    mapping: dict[str, str] = {}
    for event_type, model in PAYLOADS.items():
        member = _envelope(event_type.value, model.__name__)
        schemas[member["title"]] = member
        mapping[event_type.value] = REF.format(model=member["title"])
    schemas[WS_EVENT] = {
        "title": WS_EVENT,
        "description": "One message of `/ws/events`: `{type, agent, message, timestamp, data, gseq}`.",
        "oneOf": [{"$ref": ref} for ref in mapping.values()],
        "discriminator": {"propertyName": "type", "mapping": mapping},
    }
    frame = TypeAdapter(TaskStreamFrame).json_schema(ref_template=REF, mode="serialization")
    schemas.update(frame.pop("$defs", {}))
    schemas[STREAM_FRAME] = {"title": STREAM_FRAME, **frame}
    schemas[STREAM_EVENT] = _wire(schemas, frame)
    return schemas


def _wire(schemas: dict[str, Any], frame: dict[str, Any]) -> dict[str, Any]:
    members = []
    for member in frame["oneOf"]:
        shape = schemas[member["$ref"].rsplit("/", 1)[-1]]
        data = shape["properties"]["data"]
        # An SSE parser keeps the last `id:` for the events after it, so every event may carry one.
        members.append({**shape, "title": f"{shape['title']}Event", "properties": {
            "id": {"type": "string", "pattern": r"^[0-9]+$"}, **shape["properties"],
            "data": {"type": "string", "contentMediaType": "application/json", "contentSchema": data}}})
    return {"title": STREAM_EVENT, "description": "One event of the stream as sent: `data` is JSON text.",
            "oneOf": members}


def document_events(openapi: dict[str, Any]) -> None:
    """Add the event schemas to an OpenAPI document. A name the document already uses for
    another shape is an error, not an overwrite: the UI's types would silently change."""
    components = openapi.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in event_schemas().items():
        if name in components and components[name] != schema:
            raise RuntimeError(f"OpenAPI component {name!r} is declared twice with different shapes")
        components[name] = schema
