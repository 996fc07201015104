"""A bounded fuzz run of the HTTP API from its own OpenAPI schema (schemathesis + hypothesis).

For every operation in ``/openapi.json``, schemathesis generates requests that fit the schema
and requests that break it; the server must never answer 5xx (a deliberate 503 "busy" or
"store unavailable" aside) and every error must be JSON ``{"error", "message"}``. The admin
token is sent, so the index-changing operations are fuzzed too, on a private copy of the index;
the language-model backends are scripted chat models (the real ones are tested elsewhere).
``FUZZ_EXAMPLES`` sets the examples per operation and mode (default 50: about a minute here).
"""

from __future__ import annotations

import itertools
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from schemathesis.generation import GenerationMode

from rag.backends import ChatBackend

TOKEN = "fuzz-admin-token-1c2d3e4f"
REPLIES = [
    "It was held on 9 October in Dushanbe [1].",
    "NOT_IN_ARTICLE",
    "[[0]0] „quoted“ [999] <script>alert(1)</script> [1, 2; 3]",
    "",
]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "50"))
CALLS = [0]


@pytest.fixture(scope="module")
def schema(own_pipeline):
    from ui.server import create_app

    pipeline = own_pipeline(admin_token=TOKEN, rate_limit_per_minute=1_000_000)
    for name, layout in (("local", "passage"), ("openai", "passages")):  # scripted: no 1 GB model here
        model = GenericFakeChatModel(messages=itertools.cycle([AIMessage(reply) for reply in REPLIES]))
        pipeline.backends.register(ChatBackend(name, model, layout, timeout_s=30))
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(pipeline, pipeline.settings))


def check(case) -> None:
    """One generated request: no server error, and any error is the documented JSON."""
    response = case.call(headers={"Authorization": f"Bearer {TOKEN}"})
    CALLS[0] += 1
    assert response.status_code < 500 or response.status_code == 503, (case.as_curl_command(), response.text)
    if response.status_code >= 400:
        content_type = response.headers.get("content-type", [""])  # schemathesis: name -> values
        assert content_type[0].startswith("application/json"), response.text
        body = response.json()
        assert set(body) >= {"error", "message"} and body["message"], body


@pytest.mark.slow
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
def test_the_api_never_fails_and_always_answers_errors_in_json(schema, mode: GenerationMode) -> None:
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8, [op.label for op in operations]
    fuzzed = 0
    for operation in operations:
        fuzz = settings(
            max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
        )
        try:
            fuzz(given(operation.as_strategy(mode))(check))()
            fuzzed += 1
        except Unsatisfiable:  # nothing to break in e.g. GET /api/status: no invalid request exists
            assert mode is GenerationMode.NEGATIVE, operation.label
    assert fuzzed == len(operations) if mode is GenerationMode.POSITIVE else fuzzed >= 5
    print(f"{mode.value}: {fuzzed} operations, {CALLS[0]} requests so far")
