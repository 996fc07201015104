"""What the UI tests read HTTP answers with: the server-sent event stream and JSON errors."""

from __future__ import annotations

import json
from typing import Any

SUMMIT = "When was the CA–Russia summit?"


def events(body: str) -> list[tuple[str, dict]]:
    """Parse a text/event-stream body into (event, data) pairs."""
    out = []
    for block in body.replace("\r\n", "\n").split("\n\n"):
        lines = [line for line in block.split("\n") if line and not line.startswith(":")]
        kind = next((line[6:].strip() for line in lines if line.startswith("event:")), "message")
        data = "\n".join(line[5:].lstrip() for line in lines if line.startswith("data:"))
        if data:
            out.append((kind, json.loads(data)))
    return out


def assert_error(response: Any, status: int, error: str) -> dict:
    """Check a JSON error response (httpx or TestClient) and return its body."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == error, body
    assert isinstance(body["message"], str) and len(body["message"]) > 10
    return body
