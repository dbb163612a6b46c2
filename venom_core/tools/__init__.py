"""Tools: one registry for Venom's own tools and MCP servers' tools (docs/TOOLS.md).

`spec` declares what a tool is, `registry` is the one way to call one (checks, limits, events),
`builtin` wraps Venom's own functions, `mcp/` runs the configured MCP servers, `wiring` builds it all.
"""
