"""Memory (issue 5: venom_core/memory, docs/MEMORY.md): recall floors and the embedding encoder."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field


class MemorySettings(BaseModel):
    """Whether memory is on, how it is recalled, and how its texts are embedded."""

    # false = memory endpoints answer 503 `memory_disabled` and the embedding model is never loaded.
    VENOM_MEMORY_ENABLED: bool = Field(
        True,
        description="False: memory endpoints answer 503 memory_disabled and the embedding model is never loaded")
    VENOM_MEMORY_RECALL_MIN_SCORE: float = Field(default=0.25, ge=-1, le=1,
        description="Cosine floor for recall into chat context when the message refers to the past (\"remember\", "
        "\"earlier\", ...) or the session is long")  # cosine floor for recall()
    VENOM_MEMORY_SIMILARITY_THRESHOLD: float = Field(default=0.6, ge=0, le=1,
        description="Similarity above which the graph draws similar-to edges")  # graph similar-to edges
    VENOM_MEMORY_EMBED_THREADS: int = Field(default=1, ge=0, le=64,
        description="Encoder threads for single queries (torch or ONNX Runtime); 0 = the library's default")
    # auto = ONNX Runtime int8 when onnxruntime is installed (exported once, cached in memory/onnx), else torch.
    VENOM_MEMORY_EMBED_BACKEND: Literal["auto", "onnx-int8", "onnx-fp32", "torch"] = Field(
        "auto",
        description="Onnx-int8 (what auto picks when onnxruntime is installed), onnx-fp32 or torch (docs/MEMORY.md)")
    # Where the ONNX export is cached; unset = $XDG_CACHE_HOME/venom/onnx (else VENOM_DATA_DIR/memory/onnx).
    VENOM_MEMORY_MODEL_CACHE: Path | None = Field(
        None,
        description="Where the ONNX export is cached; unset = $XDG_CACHE_HOME/venom/onnx (~/.cache/venom/onnx), else "
        "VENOM_DATA_DIR/memory/onnx")
    # ONNX threads for batches (>8 texts); unset = VENOM_MEMORY_EMBED_THREADS. 2 = 1.4x ingest on an idle box.
    VENOM_MEMORY_BATCH_THREADS: int | None = Field(default=None, ge=1, le=64,
        description="ONNX threads for batches of more than 8 texts; unset = VENOM_MEMORY_EMBED_THREADS. 2 gives about"
        " 1.4x ingest on an idle machine")
    # Batches of one encode (a document's chunks) run at once on the batch session; 0 = auto.
    VENOM_MEMORY_BATCH_WORKERS: int = Field(default=0, ge=0, le=16,
        description="Batches of one encode (a document's chunks, a bulk import) embedded at once, each on its own"
        " thread; 0 = 2 on a machine with two or more cores, else 1")
    # Opt-in: a background loop asks the LLM (JSON-schema output) for each entry's graph entities.
    VENOM_MEMORY_LLM_ENTITIES: bool = Field(
        False,
        description="True: a background loop asks the LLM (JSON-schema output) for each memory entry's graph entities")
    VENOM_MEMORY_LLM_ENTITIES_PROVIDER: str | None = Field(  # forced provider for it; unset = the routing policy
        None,
        description="The provider that loop uses (e.g. embedded); unset = the routing policy")
