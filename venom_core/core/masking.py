"""Secret masking: the one function every place that shows settings, endpoints or errors uses.

Secrets reach the outside in three ways: a secret-named setting (`*_KEY`, `*_TOKEN`...), a
password inside a URL (`http://user:pass@host`, also in `?api_key=` style query parameters), and
text that echoes either (an upstream's error body, an exception message). `mask_setting` covers
the first two for settings, `mask_url` for endpoints, and `mask_text` for free text: it removes
the values this process knows to be secret plus anything that looks like a credential.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "********"
SECRET_MARKERS = ("KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL")
# Query parameters that carry credentials in URLs (`?key=` is Gemini's, `?token=` ours).
SECRET_PARAMS = frozenset({"key", "api_key", "apikey", "token", "access_token", "password", "secret", "sig"})
# `scheme://userinfo@` anywhere in a text.
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<info>[^\s/@'\"<>]+)@")
_QUERY_SECRET = re.compile(r"(?i)([?&](?:" + "|".join(sorted(SECRET_PARAMS)) + r")=)[^&\s'\"<>]+")
# Credential-looking words: provider key prefixes, bearer tokens, and long opaque strings.
_CREDENTIAL = re.compile(
    r"(?i)\b(?:sk|pk|rk|ak|xai|gsk|sk-ant|sk-proj)-[A-Za-z0-9_-]{6,}"
    r"|\bAIza[0-9A-Za-z_-]{10,}"
    r"|(?<=bearer )[A-Za-z0-9._~+/-]{8,}=*"
    r"|\b[A-Za-z0-9_-]{40,}\b"
)
MIN_SECRET_LEN = 4  # shorter "secrets" would mask ordinary words


def is_secret_name(name: str) -> bool:
    upper = name.upper()
    return any(m in upper for m in SECRET_MARKERS)


def mask_url(url: str) -> str:
    """The URL with its password (or a lone user-info token) and credential query values masked."""
    if "@" not in url and "=" not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return mask_text(url)
    netloc = parts.netloc
    if "@" in netloc:
        info, host = netloc.rsplit("@", 1)
        user, sep, _ = info.partition(":")
        netloc = f"{user}:{MASK}@{host}" if sep else f"{MASK}@{host}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(k.lower() in SECRET_PARAMS for k, _ in pairs):
            query = urlencode([(k, MASK if k.lower() in SECRET_PARAMS else v) for k, v in pairs], safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def mask_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Free text with known secret values, URL passwords and credential-looking words masked."""
    for secret in sorted({s for s in secrets if len(s) >= MIN_SECRET_LEN}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    text = _USERINFO.sub(lambda m: m.group("scheme") + _mask_info(m.group("info")) + "@", text)
    text = _QUERY_SECRET.sub(lambda m: m.group(1) + MASK, text)
    return _CREDENTIAL.sub(MASK, text)


def _mask_info(info: str) -> str:
    user, sep, _ = info.partition(":")
    return f"{user}:{MASK}" if sep else MASK


def mask_setting(name: str, value: Any) -> Any:
    """One setting as it may be shown: secret names masked, URLs without their passwords."""
    if isinstance(value, Path):
        value = str(value)
    if is_secret_name(name):
        return MASK if value not in ("", None) else value
    if isinstance(value, str) and ("@" in value or "=" in value):
        return mask_url(value) if "://" in value else mask_text(value)
    return value


def mask_settings(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: mask_setting(name, value) for name, value in values.items()}


def known_secrets(settings: Any) -> list[str]:
    """The secret values of these settings: secret-named fields and passwords inside URL settings.

    `settings` is a pydantic-settings object (typed `Any` so this module has no config import)."""
    out: list[str] = []
    for name in type(settings).model_fields:
        value = getattr(settings, name, None)
        if not isinstance(value, str) or not value:
            continue
        if is_secret_name(name):
            out.append(value)
        elif "@" in value and "://" in value:
            try:
                info = urlsplit(value).netloc.rpartition("@")[0]
            except ValueError:
                continue
            user, sep, password = info.partition(":")
            out.append(password if sep else user)
    return [s for s in out if len(s) >= MIN_SECRET_LEN]
