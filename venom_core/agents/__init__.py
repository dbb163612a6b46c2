"""Agents, one module each; every module here with `register_agents` registers its intents (catalog.py)."""
