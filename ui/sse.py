"""Server-sent events of ``POST /api/ask/stream``: one encoder per event type, in stream order.

    queue {position, quick}                   while the question waits in line (1 = next; quick:
                                              in a model's line, the no-model answer is on offer)
    sources {passages, standalone_question}   the retrieved passages, before any answer text
    token {text}                              verified answer text, as it is produced
    answer <AnswerOut>                        the final answer (the tokens joined, with citations)
    error {error, message, status?}           instead of the rest, when answering fails

The stream always ends with an ``answer`` or an ``error`` event, whatever went wrong.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from dataclasses import asdict
from typing import Any

from core.errors import ArticleQAError
from core.types import AnswerEvent, SourcesEvent, StreamEvent, TokenEvent
from ui.errors import error_body
from ui.service import Admitted, AnswerService, Disconnected, QueueEvent

log = logging.getLogger(__name__)

Event = dict[str, str]


def encode(event: QueueEvent | StreamEvent) -> Event:
    """One server-sent event as sse-starlette wants it: ``{"event": kind, "data": json}``."""
    data: dict[str, Any]
    if isinstance(event, QueueEvent):
        kind, data = "queue", {"position": event.position, "quick": event.quick}
    elif isinstance(event, SourcesEvent):
        passages = [asdict(p) for p in event.passages]
        kind, data = "sources", {"passages": passages, "standalone_question": event.standalone_question}
    elif isinstance(event, TokenEvent):
        kind, data = "token", {"text": event.text}
    elif isinstance(event, AnswerEvent):
        kind, data = "answer", event.answer.to_dict()
    else:
        raise TypeError(f"unknown stream event {event!r}")
    return {"event": kind, "data": json.dumps(data, ensure_ascii=False)}


async def events(
    service: AnswerService, admitted: Admitted, disconnected: Disconnected | None = None
) -> AsyncIterator[Event]:
    """The events of one admitted question, ending with ``answer`` or a readable ``error``."""
    try:
        async for event in service.run(admitted, disconnected):
            yield encode(event)
    except ArticleQAError as err:
        yield {"event": "error", "data": json.dumps({**error_body(err), "status": err.status})}
    except Exception:  # the stream must end with a readable event, whatever happened
        log.exception("streaming an answer failed")
        message = "Something went wrong while answering. Please try again."
        yield {"event": "error", "data": json.dumps({"error": "InternalError", "message": message})}
