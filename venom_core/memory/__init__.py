"""Long-term memory: vector memory (LanceDB + all-MiniLM-L6-v2), lessons and the knowledge graph.

Everything heavy (torch, sentence-transformers, LanceDB) is imported lazily in a background
thread by `MemoryService.start`, so the API starts at once and the memory profile stays optional.
"""
