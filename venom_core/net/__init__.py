"""Outbound network access for content chosen by a task, a user or a model (see `outbound.py`)."""
