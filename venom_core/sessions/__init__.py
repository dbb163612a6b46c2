"""Chat sessions: per-session history and summary, persisted in SQL (survives restarts)."""
