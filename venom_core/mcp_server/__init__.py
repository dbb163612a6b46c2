"""Venom as an MCP server: the tools other MCP clients (desktop assistants, editors) call.

`tools.py` declares the tools with the official SDK; a backend answers them: `inprocess.py` inside
the API process (`/mcp`, mounted by `endpoint.py`), `http_backend.py` over the HTTP API for
`venom mcp` on stdio (`stdio.py`). Only `tools.py`, `endpoint.py` (on the first /mcp request) and
`stdio.py` import the SDK, so the API's start-up never pays for it.
"""
