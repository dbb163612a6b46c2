"""JSON errors `{"error": {"code", "message", "details", "retryable"}}` with the right status, never a
traceback.

Every error raised as an answer is a `VenomError` (venom_core/core/errors.py); FastAPI's own
(validation, HTTP) and unexpected exceptions are turned into one, and `render` is the one place
that writes the envelope. It is declared once, as the `ErrorResponse` schema of the OpenAPI document.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from loguru import logger
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from venom_core.core.error_texts import localise
from venom_core.core.errors import VenomError
from venom_core.core.language import Language, from_accept_language


class ApiError(VenomError):
    """A refusal raised by a route itself: `ApiError(status, code, message, details)`.

    It is retryable when it tells the client when to come back (a `Retry-After` header)."""

    def __init__(self, status: int, code: str, message: str, details: Any = None,
                 headers: dict[str, str] | None = None, extra: dict[str, Any] | None = None,
                 retryable: bool | None = None):
        if retryable is None:
            retryable = bool(headers and "Retry-After" in headers)
        super().__init__(code, message, status=status, retryable=retryable, details=details, headers=headers,
                         extra=extra)


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable, machine-readable (e.g. `validation_error`, `not_found`).")
    message: str = Field(description="A sentence a person understands.")
    details: Any = Field(default=None, description="Structured context, when there is any.")
    retryable: bool = Field(default=False, description="True when the same request may succeed later "
                            "(a Retry-After header, when there is one, says when).")


class ErrorResponse(BaseModel):
    """The one error envelope of every route (some refusals add top-level keys of the reference)."""

    error: ErrorDetail


def error_body(code: str, message: str, details: Any = None, retryable: bool = False,
               lang: Language | None = None) -> dict[str, Any]:
    """The envelope; `message` in `lang` (the client's `Accept-Language`) where it has a translation."""
    return {"error": {"code": code, "message": localise(code, message, lang), "details": details,
                      "retryable": retryable}}


def error_response(status: int, code: str, message: str, details: Any = None,
                   headers: dict[str, str] | None = None, extra: dict[str, Any] | None = None,
                   retryable: bool = False, lang: Language | None = None) -> JSONResponse:
    body = {**error_body(code, message, details, retryable, lang), **(extra or {})}
    return JSONResponse(body, status_code=status, headers=headers)


_HTTP_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type", 429: "rate_limit_exceeded",
    503: "service_unavailable",
}


def _describe(err: dict[str, Any]) -> str:
    loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header"))
    msg = str(err.get("msg", "is invalid"))
    return f"{loc}: {msg}" if loc else msg


def client_language(request: Request) -> Language | None:
    return from_accept_language(request.headers.get("accept-language"))


def render(exc: VenomError, lang: Language | None = None) -> JSONResponse:
    return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers, exc.extra, exc.retryable,
                          lang)


def from_validation(exc: RequestValidationError) -> VenomError:
    errors = exc.errors()
    details = [{"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")} for e in errors]
    if any(e.get("type") == "json_invalid" for e in errors):
        return VenomError("invalid_json", "The request body is not valid JSON (UTF-8).", status=400, details=details)
    message = "The request is invalid: " + "; ".join(_describe(e) for e in errors[:5]) + "."
    return VenomError("validation_error", message, status=422, details=details)


def from_http(exc: StarletteHTTPException) -> VenomError:
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc.detail, str) else "The request failed."
    if exc.status_code == 404 and message == "Not Found":
        message = "No such endpoint."
    if exc.status_code == 400 and "parsing the body" in message:
        code, message = "invalid_json", "The request body is not valid JSON (UTF-8)."
    return VenomError(code, message, status=exc.status_code, headers=getattr(exc, "headers", None),
                      retryable=exc.status_code in (429, 503))


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(VenomError)
    async def _venom_error(request: Request, exc: VenomError) -> JSONResponse:
        # The API's refusals and every domain error (documents, tools, storage faults, config, memory).
        return render(exc, client_language(request))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return render(from_validation(exc), client_language(request))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return render(from_http(exc), client_language(request))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.opt(exception=exc).error("unhandled error on {} {}", request.method, request.url.path)
        return render(VenomError("internal_error", "Venom hit an unexpected error. The details are in the server log."),
                      client_language(request))


ERROR_REF = "#/components/schemas/ErrorResponse"
ERROR_SCHEMA: dict[str, Any] = {"$ref": ERROR_REF}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for the error statuses a route can answer."""
    return {s: {"description": "Error", "model": ErrorResponse} for s in statuses}


def declare_error_schema(schema: dict[str, Any]) -> None:
    """Put `ErrorResponse` (and its parts) into the document's components, whatever routes use it.
    FastAPI's own `HTTPValidationError` becomes the same envelope: validation errors answer in it."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    generated = ErrorResponse.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, sub in generated.pop("$defs", {}).items():
        components.setdefault(name, sub)
    components["ErrorResponse"] = generated
    components["HTTPValidationError"] = {"$ref": ERROR_REF}
    components.pop("ValidationError", None)
