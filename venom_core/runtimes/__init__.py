"""LLM runtimes behind one streaming interface, registered in one registry (see `base`)."""
