"""The ONNX runtime: an ONNX Runtime GenAI model folder run in this process.

A model folder is what onnxruntime-genai's model builder writes (`genai_config.json`, the ONNX
graph and the tokenizer); `scripts/build_onnx_model.py` makes one offline from a GGUF. The
thread, the turn-taking lock and the abort are `InProcessRuntime`'s. JSON-schema output uses the
engine's guidance (a grammar over the tokens), so structured answers hold as on llama.cpp.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from venom_core.runtimes.base import GenerationParams
from venom_core.runtimes.embedded import DEFAULT_REPEAT_PENALTY, default_threads
from venom_core.runtimes.in_process import InProcessRuntime

CONFIG_FILE = "genai_config.json"
DEFAULT_MAX_TOKENS = 512


def is_model_folder(path: Path) -> bool:
    return path.is_dir() and (path / CONFIG_FILE).is_file()


def closed_objects(schema: Any) -> Any:
    """The schema with `additionalProperties: false` on every object that lists its properties and
    says nothing about others. The guidance engine follows JSON Schema (extra keys allowed), where
    llama.cpp's grammar admits only the declared keys; a small model then wanders into endless
    extra keys. Closing them keeps one schema meaning the same answer on both in-process runtimes."""
    if isinstance(schema, list):
        return [closed_objects(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: closed_objects(v) for k, v in schema.items()}
    if "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    return out


class _Engine:
    def __init__(self, model: Any, tokenizer: Any, context_length: int) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.context_length = context_length


class OnnxGenaiProvider(InProcessRuntime):
    model_format = "onnx-genai"
    missing_hint = ("No ONNX model folder is configured. Build one with `python scripts/build_onnx_model.py OUT_DIR` "
                    "and set VENOM_ONNX_MODEL_PATH to it (a folder with genai_config.json).")

    def __init__(self, *, model_path: Path | None, models_dir: Path | None = None, n_threads: int = 0) -> None:
        super().__init__("onnx", model_path=model_path, models_dir=models_dir)
        self.n_threads = n_threads or default_threads()

    def model_name(self, path: Path) -> str:
        return path.name

    def candidate_files(self) -> list[Path]:
        if not (self.models_dir and self.models_dir.is_dir()):
            return []
        return sorted(p for p in self.models_dir.iterdir() if is_model_folder(p))

    def _build(self, path: Path) -> _Engine:
        if not is_model_folder(path):
            raise RuntimeError(f"{path} is not an ONNX Runtime GenAI model folder (no {CONFIG_FILE})")
        try:
            import onnxruntime_genai as og
        except ImportError as exc:
            raise RuntimeError("onnxruntime-genai is not installed: pip install -r requirements-profile-onnx.txt") \
                from exc
        config = json.loads((path / CONFIG_FILE).read_text(encoding="utf-8"))
        context = int(config.get("model", {}).get("context_length") or 2048)
        og_config = og.Config(str(path))
        # As many threads as the embedded runtime (cores - 1 by default), so the event loop keeps a core.
        og_config.overlay(json.dumps({"model": {"decoder": {"session_options": {
            "intra_op_num_threads": self.n_threads, "inter_op_num_threads": 1}}}}))
        model = og.Model(og_config)
        return _Engine(model, og.Tokenizer(model), context)

    def _generate(self, messages: list[dict[str, str]], params: GenerationParams) -> Iterator[dict[str, Any]]:
        import onnxruntime_genai as og

        engine: _Engine = self._engine
        ids = engine.tokenizer.encode(engine.tokenizer.apply_chat_template(json.dumps(messages),
                                                                           add_generation_prompt=True))
        room = engine.context_length - len(ids)
        if room <= 0:
            raise RuntimeError(f"the prompt ({len(ids)} tokens) does not fit the model's context "
                               f"({engine.context_length} tokens)")
        wanted = params.max_tokens or params.fallback_max_tokens or DEFAULT_MAX_TOKENS
        # The same repetition penalty as on llama.cpp: a small model loops without one.
        options: dict[str, Any] = {"max_length": len(ids) + min(wanted, room),
                                   "repetition_penalty": params.extra.get("repeat_penalty", DEFAULT_REPEAT_PENALTY)}
        if params.temperature is not None:
            options["temperature"] = params.temperature
            options["do_sample"] = params.temperature > 0
        if params.top_p is not None:
            options["top_p"] = params.top_p
        search = og.GeneratorParams(engine.model)
        search.set_search_options(**options)
        if params.json_schema is not None:
            search.set_guidance("json_schema", json.dumps(closed_objects(params.json_schema)))
        generator = og.Generator(engine.model, search)
        generator.append_tokens(ids)
        decoder = engine.tokenizer.create_stream()
        stops = [s for s in params.stop or [] if s]
        text = ""
        while not generator.is_done():
            generator.generate_next_token()
            piece = decoder.decode(generator.get_next_tokens()[0])
            text += piece
            cut = min((text.index(s) for s in stops if s in text), default=-1)
            if cut >= 0:  # a stop sequence: the text before it, and no more
                before = len(text) - len(piece)
                yield {"choices": [{"delta": {"content": text[before:cut] if cut > before else ""},
                                    "finish_reason": "stop"}]}
                yield self._usage(len(ids), generator)
                return
            yield {"choices": [{"delta": {"content": piece}, "finish_reason": None}]}
        done = "length" if generator.token_count() >= options["max_length"] else "stop"
        yield {"choices": [{"delta": {"content": ""}, "finish_reason": done}]}
        yield self._usage(len(ids), generator)

    @staticmethod
    def _usage(prompt_tokens: int, generator: Any) -> dict[str, Any]:
        """The engine's own counts: the prompt it was given and the tokens it generated."""
        return {"usage": {"prompt_tokens": prompt_tokens,
                          "completion_tokens": generator.token_count() - prompt_tokens}}
