"""`/api/v1/models/defaults`: per-model generation defaults (temperature, top-p, context length,
max tokens) that tasks use unless their `generation_params` set a field (runtimes/model_defaults.py).

The model is the path's tail (`{model:path}`): vLLM serves `org/name` models. The name follows the
same rule as `POST /api/v1/providers/connect` (no `..`, no backslash, no leading slash): a 422.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from venom_core.api.deps import AdminDep
from venom_core.api.errors import ApiError, error_responses
from venom_core.api.routes.llm_runtime import RuntimesDep
from venom_core.api.routes.providers import MODEL_PATTERN, _not_a_path
from venom_core.runtimes import providers
from venom_core.runtimes.model_defaults import ModelDefaults

router = APIRouter(prefix="/api/v1/models/defaults", tags=["models"])

MAX_TOKENS_CAP = 131_072  # the longest answer any runtime here produces; more is a typo
CONTEXT_CAP = 1_048_576

ProviderName = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")]
ModelPath = Annotated[str, Path(min_length=1, max_length=256, pattern=MODEL_PATTERN), AfterValidator(_not_a_path)]


class DefaultsBody(BaseModel):
    """A field left out (or null) is not set: the call's own value or the runtime's applies."""

    model_config = ConfigDict(extra="forbid")
    temperature: float | None = Field(default=None, ge=0, le=2)
    top_p: float | None = Field(default=None, ge=0, le=1)
    context_length: int | None = Field(default=None, ge=256, le=CONTEXT_CAP,
                                       description="Applied where the runtime takes it per request (Ollama).")
    max_tokens: int | None = Field(default=None, ge=1, le=MAX_TOKENS_CAP)


class ModelDefaultsView(DefaultsBody):
    model_config = ConfigDict(extra="forbid")
    provider: str
    model: str
    is_set: bool = Field(description="Whether any default is stored for this model.")


class ModelDefaultsList(BaseModel):
    items: list[ModelDefaultsView]
    count: int


def _view(provider: str, model: str, d: ModelDefaults | None) -> ModelDefaultsView:
    values = d.as_dict() if d else {}
    return ModelDefaultsView(provider=provider, model=model, is_set=bool(values), **values)


def _known(provider: str) -> str:
    if provider not in providers.PROVIDERS.names:
        raise ApiError(404, "unknown_provider", f"There is no runtime named {provider!r}; known: "
                       f"{', '.join(providers.PROVIDERS.names)}.")
    return provider


@router.get("", response_model=ModelDefaultsList)
async def list_defaults(runtimes: RuntimesDep) -> ModelDefaultsList:
    """Every model that has defaults set."""
    items = [_view(p, m, d) for p, m, d in runtimes.model_defaults.items()]
    return ModelDefaultsList(items=items, count=len(items))


@router.get("/{provider}/{model:path}", response_model=ModelDefaultsView, responses=error_responses(404, 422))
async def get_defaults(provider: ProviderName, model: ModelPath, runtimes: RuntimesDep) -> ModelDefaultsView:
    """A model's defaults (all null and `is_set` false when none are set)."""
    return _view(_known(provider), model, runtimes.model_defaults.get(provider, model))


@router.put("/{provider}/{model:path}", response_model=ModelDefaultsView, responses=error_responses(403, 404, 422))
async def put_defaults(provider: ProviderName, model: ModelPath, body: DefaultsBody, runtimes: RuntimesDep,
                       _: AdminDep) -> ModelDefaultsView:
    """Replace a model's defaults (fields left out are unset); stored before the answer."""
    defaults = ModelDefaults(**body.model_dump())
    await runtimes.model_defaults.set(_known(provider), model, defaults)
    return _view(provider, model, runtimes.model_defaults.get(provider, model))


@router.delete("/{provider}/{model:path}", response_model=ModelDefaultsView, responses=error_responses(403, 404, 422))
async def delete_defaults(provider: ProviderName, model: ModelPath, runtimes: RuntimesDep,
                          _: AdminDep) -> ModelDefaultsView:
    """Remove a model's defaults: its runtime's own apply again."""
    await runtimes.model_defaults.set(_known(provider), model, None)
    return _view(provider, model, None)
