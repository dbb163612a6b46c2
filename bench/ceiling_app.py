"""The bare ceiling: a few lines of FastAPI that answer the task POST and stream instantly.

`pipeline_bench.py` measures it with the same client as Venom, so Venom's numbers can be read
as ratios to what this machine and client can do at all.
"""

from __future__ import annotations

import uuid

from fastapi import FastAPI
from fastapi.responses import StreamingResponse

app = FastAPI()


@app.post("/api/v1/tasks", status_code=201)
async def create() -> dict[str, str]:
    return {"task_id": str(uuid.uuid4()), "status": "PENDING"}


@app.get("/api/v1/tasks/{task_id}/stream")
async def stream(task_id: str) -> StreamingResponse:
    async def frames():  # type: ignore[no-untyped-def]
        yield f'id: 1\nevent: task_update\ndata: {{"task_id": "{task_id}", "status": "COMPLETED"}}\n\n'
        yield f'id: 2\nevent: task_finished\ndata: {{"task_id": "{task_id}", "status": "COMPLETED"}}\n\n'

    return StreamingResponse(frames(), media_type="text/event-stream")
