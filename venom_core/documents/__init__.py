"""Documents: upload, convert, chunk by structure, index (vector + full text) and search."""
