"""The orchestrator: classify, build context, gate, dispatch to an agent, stream, record."""
