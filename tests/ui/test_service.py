"""The answer service's lines: one per backend, and the model's line only for answers the model
writes. Real app and index; the chat model is scripted where a test needs one to be busy."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
from fastapi.testclient import TestClient
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from core.settings import Settings
from rag.backends import ChatBackend, ModelUse
from rag.pipeline import Pipeline
from tests.ui.http import SUMMIT, assert_error, events
from ui.server import create_app
from ui.service import AnswerService, QueueEvent

WHY = "Why are the CA+ summits important for Kazakhstan?"


async def first_event(service: AnswerService, question: str, backend: str) -> object:
    """The first event of a question admitted and run, leaving its line at once after it."""
    admitted = await service.admit(question, (), backend, None)
    assert service.queues[admitted.line].stats()["waiting"] == 1
    run = service.run(admitted)
    try:
        return await anext(run)
    finally:
        await run.aclose()


def test_only_answers_the_model_writes_wait_in_its_line(own_pipeline, ui_settings: Settings, busy) -> None:
    pipeline = own_pipeline()
    reply = AIMessage("They diversify partnerships and attract investment [1].")
    pipeline.backends.register(
        ChatBackend(
            "local",
            GenericFakeChatModel(messages=iter([reply] * 5)),
            "passage",
            30,
            use=ModelUse(facts_first=True),
        )
    )
    app = create_app(pipeline, ui_settings)
    service = app.state.service
    with busy(service.queues["local"]):  # the model is writing other readers' answers
        # a date the rules read: answered at once, on the local backend, without a place in line
        response = TestClient(app).post("/api/ask/stream", json={"question": SUMMIT, "backend": "local"})
        stream = events(response.text)
        assert "queue" not in [kind for kind, _ in stream]
        assert stream[-1][0] == "answer" and stream[-1][1]["answer"] == "9 October [1]."
        # a question only the model can answer joins the model's line, where the answer without
        # the model is on offer
        with ThreadPoolExecutor(1) as thread:  # a loop of its own: a browser test's may be running here
            first = thread.submit(asyncio.run, first_event(service, WHY, "local")).result(timeout=60)
        assert first == QueueEvent(1, quick=True)
    assert service.queues["local"].stats() == {
        "running": 0,
        "waiting": 0,
        "max_waiting": ui_settings.queue_size,
    }


def test_a_full_queue_answers_503_busy_at_once(pipeline: Pipeline, ui_settings: Settings, busy) -> None:
    full = create_app(pipeline, ui_settings.with_(queue_size=1))
    queue = full.state.service.queue
    waiting = None
    try:
        with busy(queue):
            waiting = queue.join()  # every worker busy and the one place in line taken
            assert not waiting.try_start()
            client = TestClient(full)
            for path in ("/api/ask", "/api/ask/stream"):
                response = client.post(path, json={"question": SUMMIT})
                body = assert_error(response, 503, "QueueFull")
                assert "busy" in body["message"] and int(response.headers["retry-after"]) >= 1
    finally:
        if waiting:
            waiting.finish()
    assert TestClient(full).post("/api/ask", json={"question": SUMMIT}).status_code == 200


def test_waiting_requests_see_their_place_in_line(
    pipeline: Pipeline, ui_settings: Settings, start_server, busy
) -> None:
    app = create_app(pipeline, ui_settings.with_(queue_size=2))
    url = start_server(app)
    seen: list[str] = []
    first_queue_event = threading.Event()

    def read() -> None:
        with httpx.stream("POST", f"{url}/api/ask/stream", json={"question": SUMMIT}, timeout=60) as r:
            for line in r.iter_lines():
                seen.append(line)
                if line.startswith("event: queue"):
                    first_queue_event.set()

    reader = threading.Thread(target=read)
    with busy(app.state.service.queue):
        reader.start()
        assert first_queue_event.wait(timeout=30), seen
    reader.join(timeout=60)
    stream = events("\n".join(seen) + "\n\n")
    kinds = [kind for kind, _ in stream]
    assert stream[0] == ("queue", {"position": 1, "quick": False})  # the no-model line: nothing quicker
    assert kinds.index("sources") > kinds.index("queue") and kinds[-1] == "answer"
