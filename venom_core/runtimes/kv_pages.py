"""Handing the embedded LLM's unwritten KV cache back to the operating system after a load.

llama.cpp allocates the KV cache for the whole context (90 MB for SmolLM2 at 4,096 positions,
f16) and clears it with memset when the context is created, so every page of it is resident
before the first token, although a chat writes only the positions of its prompt and answer.
A page of private anonymous memory that holds only zeros can be dropped with
madvise(MADV_DONTNEED): the next access maps a fresh zero page, so the cache reads exactly what
it held, and pages come back one by one as positions are written. Measured with the server's
idle state (one task, one memory search): 90 MB resident after the load, about 25 MB after a
short chat (each layer's V is stored transposed: a row per dimension, so the first position
touches a page of every row), 66 MB less idle RSS, same answers.

Only the run of zero pages as long as the KV cache, inside a mapping the context creation made,
is dropped: another thread's buffer cannot be mistaken for it. Anywhere else (no /proc, not
glibc, another cache layout) nothing is dropped.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
from typing import Any

MADV_DONTNEED = 4
F16_BYTES = 2


def anonymous_mappings() -> set[tuple[int, int]]:
    """The private anonymous read-write mappings of this process, as (start, end)."""
    found: set[tuple[int, int]] = set()
    with contextlib.suppress(OSError), open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split()
            if len(fields) == 5 and fields[1] == "rw-p":  # no path: anonymous
                start, end = (int(x, 16) for x in fields[0].split("-"))
                found.add((start, end))
    return found


def kv_cache_bytes(engine: Any) -> int:
    """The f16 K and V of every layer for the context's positions, as llama.cpp sizes them."""
    import llama_cpp

    model = engine._model.model
    layers, embd = llama_cpp.llama_model_n_layer(model), llama_cpp.llama_model_n_embd(model)
    heads, kv_heads = llama_cpp.llama_model_n_head(model), llama_cpp.llama_model_n_head_kv(model)
    head_dim = int(engine.metadata.get(f"{engine.metadata.get('general.architecture')}.attention.key_length")
                   or embd // heads)
    return int(layers * engine.n_ctx() * 2 * kv_heads * head_dim * F16_BYTES)


def release(before: set[tuple[int, int]], engine: Any) -> int:
    """Drop the zero pages of a just-created `llama_cpp.Llama`'s KV cache; `before` is
    `anonymous_mappings()` taken before it was created. Returns the bytes dropped (0 if the
    cache was not found)."""
    try:
        return drop_zero_run(before, kv_cache_bytes(engine))
    except (ImportError, AttributeError, KeyError, ValueError):  # another engine than llama-cpp-python's
        return 0


def drop_zero_run(before: set[tuple[int, int]], size: int) -> int:
    """Drop the first resident run of zero pages `size` bytes long (to a page) in an anonymous
    mapping not in `before`; the bytes dropped, 0 if there is none."""
    try:
        import numpy as np

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
    except (ImportError, OSError):  # not glibc: nothing is dropped
        return 0
    libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p]
    libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    page = os.sysconf("SC_PAGE_SIZE")
    want = -(-size // page)
    with contextlib.suppress(OSError), open("/proc/self/mem", "rb", buffering=0) as mem:
        for start, end in sorted(anonymous_mappings() - before):
            count = (end - start) // page
            residency = ctypes.create_string_buffer(count)
            if count < want or libc.mincore(start, end - start, residency) != 0:
                continue
            resident = (np.frombuffer(residency.raw, dtype=np.uint8) & 1).astype(bool)
            for low, high in _runs(resident):  # the cleared cache is resident: read only those pages
                zero = _zero_pages(mem, start + low * page, high - low, page) if high - low >= want else None
                for first, last in _runs(zero) if zero is not None else []:
                    if abs((last - first) - want) <= 1:
                        at = start + (low + first) * page
                        length = (last - first) * page
                        return length if libc.madvise(at, length, MADV_DONTNEED) == 0 else 0
    return 0


def _zero_pages(mem: Any, at: int, count: int, page: int) -> Any:
    """Which of `count` pages from `at` hold only zeros, or None if they could not be read.

    Read through /proc/self/mem, a megabyte at a time: another thread may unmap its own memory
    next to the cache meanwhile, and a read there fails instead of crashing the process.
    """
    import numpy as np

    flags = np.empty(count, dtype=bool)
    step = 256
    for first in range(0, count, step):
        pages = min(step, count - first)
        try:
            data = os.pread(mem.fileno(), pages * page, at + first * page)
        except OSError:
            return None
        if len(data) != pages * page:
            return None
        flags[first:first + pages] = ~np.frombuffer(data, dtype=np.uint64).reshape(pages, page // 8).any(axis=1)
    return flags


def _runs(flags: Any) -> list[tuple[int, int]]:
    """[first, last) of each run of True in a boolean array."""
    import numpy as np

    edges = np.diff(np.concatenate(([0], flags.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(), strict=True))
