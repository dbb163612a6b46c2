"""LLM runtime benchmark: in-process TTFT and tokens/s, direct-stream overhead, event-loop latency.

Four measurements, printed as a table (numbers go to docs/PERFORMANCE.md):
1. Embedded model through Venom's direct stream (`POST /api/v1/llm/simple/stream`): time to
   first token (client-side, from sending the request to the first `content` event) and decode
   tokens/s.
2. Overhead of the direct stream: the same prompts sent (interleaved, each with a unique
   opening so no request reuses another's cached prompt) to a llama.cpp server
   directly and to Venom configured with LLM_PROVIDER=openai_compatible pointing at that same
   server. Reported: median TTFT of each and the median of the paired differences.
3. Event-loop latency while generating: `/healthz` round-trips on the embedded Venom while a
   long generation is streaming (p50/p99/max).
4. The onnx runtime (section `onnx`) on the same prompts and the same Venom as 1., with the
   embedded GGUF converted by scripts/build_onnx_model.py (`--onnx-model DIR` reuses a folder).

Usage:
  python bench/llm_bench.py [--spawn]          # starts llama.cpp server + two Venoms on loopback
  python bench/llm_bench.py --venom URL --venom-oai URL --llama URL
  python bench/llm_bench.py --sections embedded,onnx    # the two in-process runtimes side by side
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PROMPTS = ["What is the capital of France?", "Name three colours.", "What is 2 + 2?",
           "Say hello in Spanish.", "What is the largest ocean?"]
ALIAS = "smollm2-bench"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def venom_stream(base: str, prompt: str, max_tokens: int, stop: threading.Event | None = None,
                 provider: str | None = None) -> tuple[float, float, int]:
    """(ttft_ms, decode_ms, content events) for one direct-stream request; `stop` hangs up early."""
    t0 = time.perf_counter()
    first = None
    n = 0
    body: dict[str, object] = {"content": prompt, "max_tokens": max_tokens, "temperature": 0}
    if provider:
        body["provider"] = provider
    with httpx.stream("POST", f"{base}/api/v1/llm/simple/stream", json=body, timeout=300) as r:
        for line in r.iter_lines():
            if stop is not None and stop.is_set():
                break  # closing the stream cancels the generation in Venom
            if line.startswith("event: content"):
                n += 1
                if first is None:
                    first = time.perf_counter()
            elif line.startswith("event: error"):
                raise RuntimeError(f"venom error: {r.read()!r}")
    end = time.perf_counter()
    return ((first or end) - t0) * 1000, (end - (first or end)) * 1000, n


def llama_stream(base: str, prompt: str, max_tokens: int) -> tuple[float, float, int]:
    t0 = time.perf_counter()
    first = None
    n = 0
    body = {"model": ALIAS, "messages": [{"role": "user", "content": prompt}], "max_tokens": max_tokens,
            "temperature": 0, "stream": True}
    with httpx.stream("POST", f"{base}/v1/chat/completions", json=body, timeout=300) as r:
        for line in r.iter_lines():
            if not line.startswith("data:") or line.strip() == "data: [DONE]":
                continue
            delta = json.loads(line[5:])["choices"][0]["delta"].get("content")
            if delta:
                n += 1
                if first is None:
                    first = time.perf_counter()
    end = time.perf_counter()
    return ((first or end) - t0) * 1000, (end - (first or end)) * 1000, n


def bench_in_process(venom: str, rounds: int, provider: str = "embedded") -> dict[str, float]:
    venom_stream(venom, "Hi", 4, provider=provider)  # warm
    ttfts, rates = [], []
    for i in range(rounds):
        ttft, decode_ms, n = venom_stream(venom, PROMPTS[i % len(PROMPTS)], 64, provider=provider)
        ttfts.append(ttft)
        if n > 1 and decode_ms > 0:
            rates.append((n - 1) / (decode_ms / 1000))
    return {"ttft_p50_ms": statistics.median(ttfts), "ttft_p90_ms": pct(ttfts, 90),
            "tokens_per_s_median": statistics.median(rates) if rates else 0.0, "n": rounds}


def bench_overhead(venom_oai: str, llama: str, rounds: int) -> dict[str, float]:
    venom_stream(venom_oai, "Hi", 4)
    llama_stream(llama, "Hi", 4)
    direct, via, diffs = [], [], []
    for i in range(rounds):
        pair = [("d", llama_stream), ("v", venom_stream)] if i % 2 == 0 else [("v", venom_stream), ("d", llama_stream)]
        got: dict[str, float] = {}
        for key, fn in pair:
            # A unique opening, so neither request reuses the other's cached prompt tokens.
            prompt = f"({i}{key}) {PROMPTS[i % len(PROMPTS)]}"
            got[key] = fn(llama if key == "d" else venom_oai, prompt, 2)[0]
        direct.append(got["d"])
        via.append(got["v"])
        diffs.append(got["v"] - got["d"])
    return {"llama_direct_ttft_p50_ms": statistics.median(direct), "venom_direct_stream_ttft_p50_ms":
            statistics.median(via), "overhead_p50_ms": statistics.median(diffs),
            "overhead_of_medians_ms": statistics.median(via) - statistics.median(direct), "n": rounds}


def healthz_latencies(venom: str, seconds: float) -> list[float]:
    lat: list[float] = []
    with httpx.Client(base_url=venom, timeout=10) as c:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            t0 = time.perf_counter()
            c.get("/healthz")
            lat.append((time.perf_counter() - t0) * 1000)
            time.sleep(0.01)
    return lat


def bench_loop(venom: str, seconds: float) -> dict[str, float]:
    """`/healthz` while idle (the machine's own noise), then while a long generation streams."""
    idle = healthz_latencies(venom, seconds)
    done = threading.Event()

    def generate() -> None:
        while not done.is_set():
            venom_stream(venom, "Write a long story about a dragon and a knight.", 400, done)

    worker = threading.Thread(target=generate, daemon=True)
    worker.start()
    time.sleep(0.5)
    lat = healthz_latencies(venom, seconds)
    generating = httpx.get(f"{venom}/api/v1/system/status").json()["llm_runtime"].get("generating")
    done.set()
    worker.join(timeout=60)
    return {"idle_healthz_p50_ms": statistics.median(idle), "idle_healthz_p99_ms": pct(idle, 99),
            "healthz_p50_ms": statistics.median(lat), "healthz_p99_ms": pct(lat, 99), "healthz_max_ms": max(lat),
            "samples": len(lat), "generating_at_end": float(generating or 0)}


def onnx_model(tmp: Path, given: Path | None) -> Path:
    if given is not None:
        return given
    out = tmp / "onnx-model"
    print("# building the onnx model from the embedded GGUF (scripts/build_onnx_model.py)...", flush=True)
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_onnx_model.py"), str(out)], check=True)
    return out


def spawn(tmp: Path, onnx: Path | None) -> tuple[dict[str, str], list[subprocess.Popen[bytes]]]:
    from venom_core.runtimes.embedded import default_model_path

    gguf = str(default_model_path())
    procs: list[subprocess.Popen[bytes]] = []
    ports = {k: free_port() for k in ("llama", "venom", "venom_oai")}
    cmds = {
        "llama": ([sys.executable, "-m", "llama_cpp.server", "--model", gguf, "--model_alias", ALIAS, "--host",
                   "127.0.0.1", "--port", str(ports["llama"]), "--n_threads", "1", "--n_threads_batch", "1"], {}),
        "venom": ([sys.executable, "-m", "venom_core"], {"VENOM_PORT": str(ports["venom"]), "LLM_PROVIDER": "embedded",
                                                         "VENOM_MEMORY_ENABLED": "false",
                                                         **({"VENOM_ONNX_MODEL_PATH": str(onnx)} if onnx else {})}),
        "venom_oai": ([sys.executable, "-m", "venom_core"], {
            "VENOM_PORT": str(ports["venom_oai"]), "LLM_PROVIDER": "openai_compatible", "VENOM_MEMORY_ENABLED": "false",
            "LLM_LOCAL_ENDPOINT": f"http://127.0.0.1:{ports['llama']}", "LLM_MODEL_NAME": ALIAS}),
    }
    for name, (cmd, env) in cmds.items():
        data = tmp / name
        data.mkdir()
        full_env = {**os.environ, "PYTHONPATH": str(ROOT), "ENV_FILE": str(data / "none.env"),
                    "VENOM_DATA_DIR": str(data / "data"), "VENOM_LOG_DIR": str(data / "logs"), **env}
        print(f"# {name}: {' '.join(f'{k}={v}' for k, v in env.items())} {' '.join(cmd)}")
        with open(data / "out.log", "ab") as out:
            procs.append(subprocess.Popen(cmd, env=full_env, stdout=out, stderr=subprocess.STDOUT, cwd=data,
                                          start_new_session=True))
    urls = {k: f"http://127.0.0.1:{p}" for k, p in ports.items()}
    wait(urls["llama"] + "/v1/models")
    for k in ("venom", "venom_oai"):
        wait(urls[k] + "/healthz")
        deadline = time.monotonic() + 120
        while httpx.get(urls[k] + "/api/v1/system/status").json()["llm_runtime"]["status"] == "loading":
            if time.monotonic() > deadline:
                raise RuntimeError(f"{k} never finished loading")
            time.sleep(0.2)
    return urls, procs


def report(section: str, values: dict[str, float]) -> None:
    print(f"# {section}: cpus={os.cpu_count()} load(1m)={os.getloadavg()[0]:.1f}")
    for key, value in values.items():
        print(f"{section:24s} {key:34s} {value:10.2f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spawn", action="store_true", help="start llama.cpp server and two Venoms on loopback")
    ap.add_argument("--venom", help="Venom with LLM_PROVIDER=embedded")
    ap.add_argument("--venom-oai", help="Venom with LLM_PROVIDER=openai_compatible -> the --llama server")
    ap.add_argument("--llama", help="llama.cpp server (python -m llama_cpp.server) serving the same GGUF")
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--loop-seconds", type=float, default=10.0)
    ap.add_argument("--sections", default="embedded,loop,overhead", help="comma-separated subset to run "
                    "(embedded, onnx, loop, overhead)")
    ap.add_argument("--onnx-model", type=Path, help="an onnx model folder for --spawn (default: build one)")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the cleanup below on kill
    procs: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory() as tmp:
        urls = {"venom": args.venom, "venom_oai": args.venom_oai, "llama": args.llama}
        sections = set(args.sections.split(","))
        if args.spawn or not any(urls.values()):  # no URLs given (e.g. `make bench`): start our own
            urls, procs = spawn(Path(tmp), onnx_model(Path(tmp), args.onnx_model) if "onnx" in sections else None)
        try:
            if urls["venom"] and "embedded" in sections:
                report("embedded", bench_in_process(urls["venom"], args.rounds))
            if urls["venom"] and "onnx" in sections:
                report("onnx", bench_in_process(urls["venom"], args.rounds, "onnx"))
            if urls["venom"] and "loop" in sections:
                report("event_loop", bench_loop(urls["venom"], args.loop_seconds))
            if urls["venom_oai"] and urls["llama"] and "overhead" in sections:
                report("direct_stream_overhead", bench_overhead(urls["venom_oai"], urls["llama"], args.rounds))
        finally:
            for p in procs:
                os.killpg(p.pid, signal.SIGTERM)
            for p in procs:
                p.wait(timeout=15)


if __name__ == "__main__":
    main()
