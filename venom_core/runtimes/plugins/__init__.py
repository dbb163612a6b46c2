"""The built-in LLM runtimes, one module each; every module here with `register_providers` is loaded."""
