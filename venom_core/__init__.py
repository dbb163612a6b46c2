"""Venom: a local-first AI agent stack."""

__version__ = "0.1.0"
