"""The masking function every settings, endpoint and error view uses (venom_core/core/masking.py).

The end-to-end check (no secret in any answer of a running server) is
tests/runtimes/test_secret_masking.py; these pin the shapes a secret can take.
"""

from __future__ import annotations

import json

import pytest

from venom_core.core.masking import MASK, known_secrets, mask_setting, mask_text, mask_url
from venom_core.runtimes.http_common import status_error


@pytest.mark.parametrize(("url", "shown"), [
    ("http://user:pass-123@host:11434", f"http://user:{MASK}@host:11434"),
    ("https://tok3n-only@host/v1", f"https://{MASK}@host/v1"),
    ("https://host/v1beta?key=AIzaSecret123&alt=sse", f"https://host/v1beta?key={MASK}&alt=sse"),
    ("http://localhost:11434", "http://localhost:11434"),
])
def test_urls_lose_their_credentials(url: str, shown: str) -> None:
    assert mask_url(url) == shown


def test_settings_are_masked_by_name_and_by_shape() -> None:
    assert mask_setting("OPENAI_API_KEY", "sk-anything") == MASK
    assert mask_setting("OPENAI_API_KEY", "") == ""
    assert mask_setting("LLM_LOCAL_ENDPOINT", "http://a:b-secret@h") == f"http://a:{MASK}@h"
    assert mask_setting("MAX_CONCURRENT_TASKS", 5) == 5


def test_free_text_loses_known_secrets_urls_and_credential_words() -> None:
    text = "failed: key=abcd1234 at http://u:pw-9@h, Bearer abc.def.ghi1234, sk-proj-0123456789abcdef"
    masked = mask_text(text, ["abcd1234"])
    for secret in ("abcd1234", "pw-9", "abc.def.ghi1234", "sk-proj-0123456789abcdef"):
        assert secret not in masked
    assert "http://u:" in masked, "the shape stays readable"


def test_known_secrets_come_from_secret_names_and_url_passwords() -> None:
    from venom_core.config import Settings

    s = Settings(_env_file=None, OPENAI_API_KEY="sk-one-two-three",  # type: ignore[call-arg]
                 LLM_LOCAL_ENDPOINT="http://me:pa55word@127.0.0.1:1")
    assert {"sk-one-two-three", "pa55word"} <= set(known_secrets(s))


def test_an_upstream_error_body_becomes_a_short_masked_reason() -> None:
    body = json.dumps({"error": {"message": "Incorrect API key provided: sk-live-ABCDEF0123456789."},
                       "echo": {"authorization": "Bearer sk-live-ABCDEF0123456789"}, "padding": "x" * 5000})
    err = status_error("openai", 401, body)
    assert err.code == "llm_http_error" and err.status == 401
    assert "sk-live" not in err.message and "padding" not in err.message and len(err.message) < 300
    assert status_error("x", 502, "<html><body>Bad gateway</body></html>").message == "x answered HTTP 502."
