"""Not an MCP server: answers every line on stdin with text that is not JSON-RPC."""

import sys

for _line in sys.stdin:
    sys.stdout.write("this is not JSON-RPC {\n")
    sys.stdout.write('{"jsonrpc": "2.0", "id": 999, "result": "no such request"}\n')
    sys.stdout.flush()
