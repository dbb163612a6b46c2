"""Retrieval in chat (issue 14: venom_core/orchestrator/context.py, docs/MEMORY.md)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class RetrievalSettings(BaseModel):
    """What document passages and memories one chat message may get, and how fast."""

    # Every chat message is searched against the documents and memory; false = never (trigger words neither).
    VENOM_CHAT_RETRIEVAL: bool = Field(default=True, description="Retrieve document passages and memories for "
                                                                 "every chat message.")
    VENOM_RETRIEVAL_MIN_SIMILARITY: float = Field(
        default=0.3, ge=0, le=1, description="Cosine floor for a document passage to reach a chat prompt.")
    VENOM_RETRIEVAL_MAX_PASSAGES: int = Field(default=4, ge=1, le=20,
                                              description="Document passages one chat message gets at most.")
    VENOM_RETRIEVAL_MAX_CHARS: int = Field(
        default=3000, ge=200, le=50_000, description="Character budget of the passages in one chat prompt "
                                                     "(about a quarter as many tokens).")
    VENOM_CHAT_MEMORY_MIN_SCORE: float = Field(
        default=0.45, ge=-1, le=1, description="Cosine floor for a memory to reach a chat prompt when the message "
                                               "does not refer to the past (then VENOM_MEMORY_RECALL_MIN_SCORE).")
    VENOM_RETRIEVAL_TIMEOUT_SECONDS: float = Field(
        default=0.5, gt=0, le=10, description="Time budget of chat retrieval; past it the answer goes ahead "
                                              "without (the embedding thread is busy indexing, say).")
