"""Time to first token: the full Venom task pipeline against the same LLM server called directly.

    python bench/ttft_bench.py BASE_URL LLM_URL MODEL [--repeats 3] [--max-tokens 16]

BASE_URL is a running Venom whose runtime is the OpenAI-compatible server at LLM_URL serving
MODEL (LLM_PROVIDER=openai_compatible, LLM_LOCAL_ENDPOINT=LLM_URL, LLM_MODEL_NAME=MODEL).
For each plain chat prompt, alternately:

- **direct**: `POST LLM_URL/chat/completions` (stream) with the bare prompt, until the first
  non-empty content delta;
- **pipeline**: `POST BASE_URL/api/v1/tasks`, then SSE `/api/v1/tasks/{id}/stream` until the
  first `task_update` with a non-empty `delta` (clock starts before the POST).

For every pipeline request the trace (`/api/v1/history/requests/{id}`) gives the upstream's own
time to first token for that very request (`LLM/request_sent` -> `LLM/first_token`), so
`overhead = client TTFT - upstream TTFT` is what Venom adds. The trace is also checked for an
intent-classifier call, which a plain chat message must never make.
Targets: overhead median <= 30 ms; pipeline <= direct + 150 ms (median of the paired differences:
each pipeline request against the direct request with the same prompt just before it); no
classifier call.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import datetime
from typing import Any

import httpx

PROMPTS = [
    "What is the capital of France?",
    "Give me one tip for writing clean code.",
    "Name a primary colour.",
    "What does HTTP stand for?",
    "Say hello in German.",
    "How many legs does a spider have?",
    "What is two plus two?",
    "Name a planet in our solar system.",
]


def direct_ttft(client: httpx.Client, llm_url: str, model: str, prompt: str, max_tokens: int) -> float:
    body = {"model": model, "messages": [{"role": "user", "content": prompt}], "stream": True,
            "max_tokens": max_tokens, "temperature": 0}
    t0 = time.perf_counter()
    ttft: float | None = None
    with client.stream("POST", f"{llm_url.rstrip('/')}/chat/completions", json=body) as r:
        r.raise_for_status()
        # Read to the end: a single-slot server would otherwise still be generating this answer
        # when the next (pipeline) request arrives, and that request would pay for it.
        for line in r.iter_lines():
            if ttft is not None or not line.startswith("data:") or line.strip() == "data: [DONE]":
                continue
            choices = json.loads(line[5:]).get("choices") or [{}]
            if (choices[0].get("delta") or {}).get("content"):
                ttft = (time.perf_counter() - t0) * 1000
    if ttft is None:
        raise RuntimeError("direct stream ended without content")
    return ttft


def pipeline_ttft(client: httpx.Client, base: str, prompt: str, max_tokens: int) -> tuple[float, str]:
    body = {"content": prompt, "store_knowledge": False, "generation_params": {"max_tokens": max_tokens,
                                                                              "temperature": 0}}
    t0 = time.perf_counter()
    r = client.post(f"{base}/api/v1/tasks", json=body)
    r.raise_for_status()
    task_id = r.json()["task_id"]
    event = ""
    with client.stream("GET", f"{base}/api/v1/tasks/{task_id}/stream") as s:
        for line in s.iter_lines():
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:") and event == "task_update" and json.loads(line[5:]).get("delta"):
                return (time.perf_counter() - t0) * 1000, task_id
            elif event == "task_finished":
                break
    raise RuntimeError(f"task {task_id} finished without streaming text")


def upstream_ttft(client: httpx.Client, base: str, task_id: str) -> tuple[float, bool, dict[str, float]]:
    """(upstream's own TTFT for the request from the trace, whether a classifier call happened, and
    where the server's share went: submit -> worker start -> model request sent)."""
    deadline = time.monotonic() + 60
    while True:  # the trace is complete once the task is terminal
        detail = client.get(f"{base}/api/v1/history/requests/{task_id}").json()
        if detail["status"] in ("COMPLETED", "FAILED", "CANCELLED") or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    # Step details are text (a JSON object encoded, as the original's clients expect).
    steps = [{**s, "details": json.loads(s["details"]) if s.get("details") else {}} for s in detail["steps"]]
    sent = next(s for s in steps if s["component"] == "LLM" and s["action"] == "request_sent")
    first = next(s for s in steps if s["component"] == "LLM" and s["action"] == "first_token"
                 and "provider" in (s.get("details") or {}))
    classifier = any(s["action"] == "intent_classifier" for s in steps)
    submitted = next(s for s in steps if s["action"] == "submit_request")
    started = next(s for s in steps if s["action"] == "start_processing")
    split = {"queue": _ts(started["timestamp"]) - _ts(submitted["timestamp"]),
             "orchestrator": _ts(sent["timestamp"]) - _ts(started["timestamp"])}
    return _ts(first["timestamp"]) - _ts(sent["timestamp"]), classifier, split


def _ts(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000


def pct(data: list[float], p: float) -> float:
    ordered = sorted(data)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url")
    parser.add_argument("llm_url", help="OpenAI-compatible base URL, e.g. http://127.0.0.1:8090/v1")
    parser.add_argument("model")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=16)
    parser.add_argument("--warmup", type=int, default=2)
    args = parser.parse_args()
    base = args.base_url.rstrip("/")
    direct: list[float] = []
    pipeline: list[float] = []
    upstream: list[float] = []
    overhead: list[float] = []
    queue_ms: list[float] = []
    orchestrator_ms: list[float] = []
    classifier_calls = 0
    with httpx.Client(timeout=120) as client:
        for i in range(args.warmup):  # load the model and open connections on both paths
            direct_ttft(client, args.llm_url, args.model, PROMPTS[i % len(PROMPTS)], args.max_tokens)
            pipeline_ttft(client, base, PROMPTS[i % len(PROMPTS)], args.max_tokens)
        for _ in range(args.repeats):
            for prompt in PROMPTS:
                direct.append(direct_ttft(client, args.llm_url, args.model, prompt, args.max_tokens))
                ttft, task_id = pipeline_ttft(client, base, prompt, args.max_tokens)
                up, classified, split = upstream_ttft(client, base, task_id)
                queue_ms.append(split["queue"])
                orchestrator_ms.append(split["orchestrator"])
                pipeline.append(ttft)
                upstream.append(up)
                overhead.append(ttft - up)
                classifier_calls += classified
    med = statistics.median
    paired = [p - d for p, d in zip(pipeline, direct, strict=True)]
    result: dict[str, Any] = {
        "samples": len(pipeline),
        "direct_ttft_ms": {"median": round(med(direct), 1), "p90": round(pct(direct, 90), 1)},
        "pipeline_ttft_ms": {"median": round(med(pipeline), 1), "p90": round(pct(pipeline, 90), 1)},
        "upstream_ttft_in_pipeline_ms": {"median": round(med(upstream), 1), "p90": round(pct(upstream, 90), 1)},
        "pipeline_overhead_ms": {"median": round(med(overhead), 1), "p90": round(pct(overhead, 90), 1)},
        "pipeline_minus_direct_ms": round(med(pipeline) - med(direct), 1),
        # Each pipeline request against the direct request just before it with the same prompt:
        # robust when the machine's load drifts during the run.
        "paired_pipeline_minus_direct_ms": {"median": round(med(paired), 1), "p90": round(pct(paired, 90), 1)},
        "server_submit_to_worker_ms": {"median": round(med(queue_ms), 2), "p90": round(pct(queue_ms, 90), 2)},
        "server_worker_to_model_request_ms": {"median": round(med(orchestrator_ms), 2),
                                              "p90": round(pct(orchestrator_ms, 90), 2)},
        "classifier_calls": classifier_calls,
    }
    result["targets"] = {
        "overhead_median_le_30ms": result["pipeline_overhead_ms"]["median"] <= 30,
        "pipeline_le_direct_plus_150ms": result["paired_pipeline_minus_direct_ms"]["median"] <= 150,
        "no_classifier_call": classifier_calls == 0,
    }
    print(json.dumps(result, indent=2))
    return 0 if all(result["targets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
