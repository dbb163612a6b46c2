"""MCP client: the servers of the `mcpServers` config, each supervised, their tools in the registry."""
