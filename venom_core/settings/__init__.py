"""The settings, one module per subsystem; `venom_core.config.Settings` puts them together.

Each module holds one pydantic model of fields, with the validators and derived values that
need only its own fields. Anything that reads more than one subsystem lives in `venom_core.config`.
"""
