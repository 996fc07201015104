"""The chat app and the widget in a real headless Chromium (Debian's, driven by Playwright).

The API server runs for real on loopback (uvicorn, extractive backend, the session's index);
the widget's host page is served from a *different* origin by a second tiny server.
Screenshots land in ``artifacts/`` (gitignored) for people to look at.
"""

from __future__ import annotations

import itertools
import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from core.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
JAPAN = "Кога Токаев посети Япония?"
JAPAN_ANSWER = "18–20 декември 2025"  # the short answer (the reader asks in Bulgarian)...
JAPAN_EVIDENCE = "Япония на 18–20 декември 2025"  # ...and the article's sentence it cites
XSS = "Who wrote the article? <img src=x onerror=alert(1)> <script>alert(2)</script>"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def browser(chromium) -> object:
    """The session's Chromium (conftest): Playwright's sync API allows one driver at a time."""
    return chromium


@pytest.fixture
def page(browser) -> Iterator[object]:
    """A fresh page that records every JavaScript dialog (none may ever open)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    yield page
    context.close()


def console_warnings(page) -> list[str]:
    """The page's console.warn lines, as they come."""
    seen: list[str] = []
    page.on("console", lambda m: seen.append(m.text) if m.type == "warning" else None)
    return seen


def shot(page, name: str, full: bool = False) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=full)


def open_app(page, url: str) -> None:
    page.goto(url + "/", wait_until="domcontentloaded")
    page.wait_for_selector("#aqa-status [data-state=ready]", timeout=60_000)


WATCH_STATUS = """() => {
  window.__states = [];
  if (window.__watching) return;
  window.__watching = true;
  const el = document.querySelector('#aqa-status');
  new MutationObserver(() => {
    const state = el.querySelector('[data-state]')?.dataset.state;
    if (window.__states[window.__states.length - 1] !== state) window.__states.push(state);
  }).observe(el, {subtree: true, childList: true, attributes: true});
}"""
FINISHED = """() => { const i = window.__states.indexOf('working');
  return i >= 0 && window.__states.slice(i).some(s => s === 'ready' || s === 'error'); }"""


def until_answered(page, action: Callable[[], None]) -> None:
    """Do ``action`` and wait until the status has gone through "working" to ready (or error)."""
    page.evaluate(WATCH_STATUS)
    action()
    page.wait_for_function(FINISHED)


def ask_app(page, question: str) -> None:
    page.locator("#aqa-question textarea").fill(question)
    until_answered(page, page.locator("#aqa-ask").click)


def demo_html(api: str) -> bytes:
    """The server's demo page, rendered for a widget that talks to ``api``."""
    return httpx.get(f"{api}/demo", params={"api": api}, timeout=30).content


def widget_ask(page, question: str) -> None:
    page.locator("#aqa-launcher").click()  # Playwright's CSS pierces the open shadow root
    page.locator("#aqa-input").fill(question)
    page.locator("#aqa-send").click()


# -- (a) the full Gradio app ------------------------------------------------------------------

RECORD = """() => {
  window.__seen = [];
  const note = () => {
    const bots = document.querySelectorAll('#aqa-chat [data-testid="bot"]');
    const text = bots.length ? bots[bots.length - 1].innerText.trim() : '';
    const state = (document.querySelector('#aqa-status [data-state]') || {}).dataset?.state;
    const seen = state + '|' + text;
    if (window.__seen[window.__seen.length - 1] !== seen) window.__seen.push(seen);
  };
  new MutationObserver(note).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def test_app_streams_an_answer_and_highlights_its_citation(
    page, live_url: str, ui_settings: Settings
) -> None:
    open_app(page, live_url)
    page.evaluate(RECORD)
    ask_app(page, JAPAN)

    seen = page.evaluate("window.__seen")
    final = seen[-1]
    assert final.startswith("ready|") and JAPAN_ANSWER in final, seen
    assert any(s.startswith("working|") for s in seen[:-1]), seen  # shown while it was being written
    mark = page.locator("#aqa-sources li.aqa-source mark.aqa-quote").first
    assert JAPAN_EVIDENCE in mark.inner_text()

    cite = page.locator("#aqa-chat a.aqa-cite").first
    target = cite.get_attribute("href")
    assert target and target.startswith("#source-")
    cite.click()
    page.wait_for_function("t => location.hash === t", arg=target)
    assert page.evaluate("document.querySelector(':target')?.id") == target[1:]
    assert page.locator(target).locator("mark.aqa-quote").count() >= 1
    shot(page, "app.png", full=True)

    # a dislike with a reason is stored with the question, answer and citations
    page.locator('#aqa-chat button[aria-label="Dislike"]').last.click()
    page.wait_for_selector("#aqa-reason-row textarea", state="visible")
    page.locator("#aqa-reason-row textarea").fill("too long a quote")
    page.locator("#aqa-reason-send").click()
    page.wait_for_selector("#aqa-status:has-text('note was saved')")
    with sqlite3.connect(ui_settings.data_dir / "feedback.sqlite3") as db:
        row = db.execute(
            "SELECT question, rating, reason, citations FROM feedback ORDER BY id DESC"
        ).fetchone()
    assert row[:3] == (JAPAN, "down", "too long a quote") and JAPAN_EVIDENCE in row[3]
    assert page.dialogs == []


def test_app_follow_up_retry_clear_and_phone_width(browser, live_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        open_app(page, live_url)
        ask_app(page, "When was the CA–Russia summit?")
        ask_app(page, "And where was it held?")
        bots = page.locator('#aqa-chat [data-testid="bot"]')
        assert bots.count() == 2 and "9 October" in bots.first.inner_text()
        assert "Dushanbe" in bots.last.inner_text()  # "where" now: the place, in English
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        shot(page, "app-phone.png", full=True)
        until_answered(page, page.locator("#aqa-retry").click)
        assert page.locator('#aqa-chat [data-testid="bot"]').count() == 2
        page.locator("#aqa-clear").click()
        page.wait_for_selector("#aqa-status:has-text('Cleared')")
        assert page.locator('#aqa-chat [data-testid="bot"]').count() == 0
    finally:
        context.close()


def test_app_shows_the_place_in_line(page, live_app, live_url: str, busy) -> None:
    open_app(page, live_url)
    with busy(live_app.state.service.queue):  # other questions are being answered
        page.evaluate(WATCH_STATUS)
        page.locator("#aqa-question textarea").fill("Who wrote the article?")
        page.locator("#aqa-ask").click()
        waiting = page.locator("#aqa-status [data-state=waiting]")
        waiting.wait_for(timeout=30_000)
        assert "you are number 1" in waiting.inner_text()
    page.wait_for_function(FINISHED)
    assert "Polonskaya" in page.locator('#aqa-chat [data-testid="bot"]').last.inner_text()


def test_app_offers_the_quick_answer_when_the_model_line_is_long(page, live_app, live_url: str, busy) -> None:
    import threading

    from rag.backends import local_available

    if not local_available():
        pytest.skip("needs article-qa[local]: without a model there is no model line to wait in")
    line = live_app.state.service.queues["local"]
    open_app(page, live_url)
    page.locator("#aqa-backend input").click()
    page.locator("[role=option]", has_text="Local model").click()
    stop = threading.Event()
    with busy(line):  # the model's slots are taken and another question waits ahead of ours
        ahead = line.join()
        keep = threading.Thread(target=lambda: [ahead.position() for _ in iter(lambda: stop.wait(1), True)])
        keep.start()
        try:
            page.evaluate(WATCH_STATUS)
            # a question only the model answers (a date or a name the rules read never waits for it)
            page.locator("#aqa-question textarea").fill("Why are the CA+ summits important for Kazakhstan?")
            page.locator("#aqa-ask").click()
            quick = page.locator("#aqa-quick")
            quick.wait_for(state="visible", timeout=30_000)
            assert "you are number 2" in page.locator("#aqa-status").inner_text()
            shot(page, "app-quick-answer-offered.png")
            quick.click()
            page.wait_for_function(FINISHED)
            bots = page.locator('#aqa-chat [data-testid="bot"]')
            assert bots.count() == 1 and "The article says" in bots.last.inner_text()
            assert not quick.is_visible()
            for _ in range(100):  # the cancelled question gave its place back: only ``ahead`` waits
                if line.stats()["waiting"] == 1:
                    break
                page.wait_for_timeout(100)
            assert line.stats()["waiting"] == 1, line.stats()
        finally:
            stop.set()
            keep.join()
            ahead.finish()


def test_app_shows_the_loading_state(browser, ui_settings: Settings, embedder, start_server) -> None:
    from rag.pipeline import Pipeline
    from ui.server import create_app

    cold = start_server(create_app(Pipeline(ui_settings, embedder), ui_settings, warm_up=False))
    assert httpx.get(f"{cold}/healthz").status_code == 503
    page = browser.new_page()
    try:
        page.goto(cold + "/", wait_until="domcontentloaded")
        status = page.locator("#aqa-status [data-state=loading]")
        status.wait_for(timeout=60_000)
        assert "Loading model" in status.inner_text()
    finally:
        page.close()


# -- (b) the widget on a page from another origin ---------------------------------------------


def test_widget_answers_and_highlights_the_host_page(
    page, live_url: str, other_origin: Callable[[bytes], str]
) -> None:
    site = other_origin(demo_html(live_url))
    assert site.rsplit(":", 1)[1] != live_url.rsplit(":", 1)[1]
    page.goto(site + "/", wait_until="load")
    page.wait_for_function("window.ArticleQA && window.ArticleQA.root")
    widget_ask(page, JAPAN)
    answer = page.locator(".aqa-msg-assistant .aqa-answer")
    page.wait_for_function(
        "t => [...ArticleQA.root.querySelectorAll('.aqa-answer')].some(a => a.textContent.includes(t))",
        arg=JAPAN_ANSWER,
    )
    assert JAPAN_ANSWER in answer.last.inner_text()
    assert page.evaluate("document.querySelectorAll('mark.aqa-highlight').length") == 0

    page.locator("button.aqa-cite[data-n]").first.click()
    page.wait_for_function("document.querySelectorAll('mark.aqa-highlight').length > 0")
    marked = page.evaluate(
        "[...document.querySelectorAll('mark.aqa-highlight')].map(m => m.textContent).join('')"
    )
    assert JAPAN_EVIDENCE in marked
    page.wait_for_function(  # scrolled so that the highlighted sentence is on screen
        """() => { const r = document.querySelector('mark.aqa-highlight').getBoundingClientRect();
                   return r.top >= 0 && r.bottom <= innerHeight && scrollY > 0; }"""
    )
    assert page.evaluate(
        "document.querySelector('mark.aqa-highlight').closest('[data-aqa-paragraph]') !== null"
    )
    shot(page, "widget.png")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "widget-phone.png")
    assert page.dialogs == []


# -- (c) a disallowed origin is refused -------------------------------------------------------


def test_widget_on_a_disallowed_origin_gets_an_error_and_no_answer(
    page, pipeline, ui_settings: Settings, start_server, other_origin: Callable[[bytes], str]
) -> None:
    from ui.server import create_app

    strict = start_server(
        create_app(pipeline, ui_settings.with_(allowed_origins=("https://news.example.org",)))
    )
    site = other_origin(demo_html(strict))
    warnings = console_warnings(page)
    page.goto(site + "/", wait_until="load")
    page.wait_for_function("window.ArticleQA && window.ArticleQA.root")
    result = page.evaluate("q => window.ArticleQA.ask(q)", JAPAN)
    assert result is None
    error = page.locator("[data-role='error']")
    assert error.count() == 1 and error.get_attribute("data-kind") == "origin"
    assert error.inner_text().strip() == "Въпросите за статията все още не са достъпни на този сайт."
    answers = page.evaluate(
        "[...window.ArticleQA.root.querySelectorAll('.aqa-answer')].map(a => a.textContent.trim()).join('')"
    )
    assert answers == ""
    assert [w for w in warnings if f"Add {site} to ARTICLE_QA_ALLOWED_ORIGINS" in w] == [warnings[0]]
    direct = httpx.post(f"{strict}/api/ask", json={"question": JAPAN}, headers={"Origin": site})
    assert direct.status_code == 403 and direct.json()["error"] == "OriginRefused"
    assert page.evaluate("document.querySelectorAll('mark.aqa-highlight').length") == 0


# -- (d) markup in a question is text, in the app and in the widget ----------------------------


def test_markup_in_a_question_is_shown_as_text_in_the_app(page, live_url: str) -> None:
    open_app(page, live_url)
    ask_app(page, XSS)
    user = page.locator('#aqa-chat [data-testid="user"]').last
    assert "<img src=x onerror=alert(1)> <script>alert(2)</script>" in user.inner_text()
    assert page.locator("#aqa-chat img[src='x']").count() == 0
    assert page.locator("#aqa-chat [data-testid='user'] script").count() == 0
    assert page.dialogs == []


def test_markup_in_a_question_is_shown_as_text_in_the_widget(
    page, live_url: str, other_origin: Callable[[bytes], str]
) -> None:
    page.goto(other_origin(demo_html(live_url)) + "/", wait_until="load")
    page.wait_for_function("window.ArticleQA && window.ArticleQA.root")
    answer = page.evaluate("q => window.ArticleQA.ask(q)", XSS)
    assert answer is not None
    bubble = page.locator(".aqa-msg-user .aqa-bubble").last
    assert "<img src=x onerror=alert(1)> <script>alert(2)</script>" in bubble.inner_text()
    assert (
        page.evaluate("window.ArticleQA.root.querySelectorAll('img[src=\"x\"], .aqa-msg script').length") == 0
    )
    assert page.dialogs == []


def test_demo_page_served_by_the_server_itself(page, live_url: str) -> None:
    page.goto(f"{live_url}/demo?api={quote(live_url)}", wait_until="load")
    page.wait_for_function("window.ArticleQA && window.ArticleQA.root")
    answer = page.evaluate("q => window.ArticleQA.ask(q)", "Who wrote the article?")
    assert answer and answer["citations"]
    assert "Polonskaya" in answer["answer"]


# -- (e) bad input, abuse and faults, seen from a real browser ----------------------------------

WIDGET_ERRORS = "[...ArticleQA.root.querySelectorAll('[data-role=error]')].map(e => e.textContent.trim())"


def test_widget_shows_clear_errors_for_bad_input_and_goes_on(
    page, live_url: str, other_origin: Callable[[bytes], str]
) -> None:
    page.goto(other_origin(demo_html(live_url)) + "/", wait_until="load")
    page.wait_for_function("window.ArticleQA && window.ArticleQA.root")
    assert page.evaluate("q => window.ArticleQA.ask(q)", "?!… \u0007") is None  # nothing to ask
    assert page.evaluate("q => window.ArticleQA.ask(q)", "Who \ud800 wrote it?") is None  # not valid text
    errors = page.evaluate(WIDGET_ERRORS)
    assert len(errors) == 2, errors
    assert "the question is empty" in errors[0] and "unicode" in errors[1].lower()
    assert page.evaluate("q => window.ArticleQA.ask(q)", "") is None  # an empty box sends nothing
    assert len(page.evaluate(WIDGET_ERRORS)) == 2
    long = "Who wrote the article? " + "x" * 10_000  # the widget sends its first 1,000 characters
    page.locator("#aqa-input").fill(long)
    assert len(page.locator("#aqa-input").input_value()) == 1000  # maxlength on the box
    answer = page.evaluate("q => window.ArticleQA.ask(q)", "Who wrote the article?")
    assert answer and "Polonskaya" in answer["answer"]
    assert page.dialogs == []


def test_widget_is_told_to_wait_by_the_rate_limit(
    page, pipeline, ui_settings: Settings, start_server, other_origin: Callable[[bytes], str]
) -> None:
    from ui.server import create_app

    limited = start_server(create_app(pipeline, ui_settings.with_(rate_limit_per_minute=3)))
    page.goto(other_origin(demo_html(limited)) + "/", wait_until="load")
    page.wait_for_function("window.ArticleQA && window.ArticleQA.root")
    results = [page.evaluate("q => window.ArticleQA.ask(q)", "Who wrote the article?") for _ in range(5)]
    assert results[0] is not None and results[-1] is None
    refused = page.locator("[data-role='error'][data-status='429']").last
    text = refused.inner_text()
    # in the page's language only, with the wait from Retry-After (CORS exposes it)
    assert re.fullmatch(
        r"Задали сте много въпроси за кратко време\. Моля, изчакайте \d+ секунди и опитайте отново\.", text
    ), text
    assert refused.get_attribute("data-kind") == "rate"


def test_a_disallowed_origin_cannot_write_through_the_browser(
    page, pipeline, ui_settings: Settings, start_server, other_origin: Callable[[bytes], str]
) -> None:
    """Beacons and no-cors posts need no pre-flight, so the server must refuse them itself."""
    from ui.server import create_app

    strict = start_server(
        create_app(pipeline, ui_settings.with_(allowed_origins=("https://news.example.org",)))
    )
    site = other_origin(b"<!doctype html><title>elsewhere</title><p>hi</p>")
    database = ui_settings.data_dir / "feedback.sqlite3"

    def rows() -> int:
        if not database.exists():
            return 0
        with sqlite3.connect(database) as db:
            return int(db.execute("SELECT COUNT(*) FROM feedback").fetchone()[0])

    before = rows()
    refused: list[int] = []
    page.on("response", lambda r: refused.append(r.status) if r.url.startswith(strict) else None)
    page.goto(site + "/", wait_until="load")
    outcome = page.evaluate(
        """async api => {
          const body = JSON.stringify({question: "q", answer: "a", rating: "up"});
          const beacon = navigator.sendBeacon(api + "/api/feedback", new Blob([body], {type: "text/plain"}));
          await fetch(api + "/api/feedback", {method: "POST", mode: "no-cors", body,
                                              headers: {"Content-Type": "text/plain"}});
          let read = "blocked";
          try { read = (await (await fetch(api + "/api/articles")).json()).error; } catch (e) { }
          return {beacon, read};
        }""",
        strict,
    )
    page.wait_for_timeout(1000)  # let the beacon land
    assert outcome["read"] == "OriginRefused"  # the page can read the refusal, and nothing else...
    assert rows() == before  # ...nor write anything
    assert refused and set(refused) == {403}


def test_admin_calls_from_a_browser_page_are_blocked(
    page, own_pipeline, start_server, other_origin: Callable[[bytes], str]
) -> None:
    """Even from an allowed origin, with the token: the pre-flight allows no Authorization header."""
    from ui.server import create_app

    token = "browser-admin-token-0123456789"
    pipeline = own_pipeline(admin_token=token, rate_limit_per_minute=10_000)
    api = start_server(create_app(pipeline, pipeline.settings))
    page.goto(other_origin(b"<!doctype html><title>admin</title>") + "/", wait_until="load")
    outcome = page.evaluate(
        """async ([api, token]) => {
          const tries = {};
          const auth = {Authorization: "Bearer " + token};
          const json = {...auth, "Content-Type": "application/json"};
          const body = JSON.stringify({id: "evil", text: "Evil text."});
          for (const [name, path, init] of [
            ["delete", "/api/admin/articles/kazakhstan-diplomacy-2025", {method: "DELETE", headers: auth}],
            ["add", "/api/admin/articles", {method: "POST", headers: json, body}],
          ]) {
            try {
              tries[name] = (await fetch(api + path, init)).status;
            } catch (e) {
              tries[name] = "blocked";
            }
          }
          return tries;
        }""",
        [api, token],
    )
    assert outcome == {"delete": "blocked", "add": "blocked"}
    assert [a.id for a in pipeline.articles()] == ["kazakhstan-diplomacy-2025"]


@pytest.fixture(scope="module")
def scripted_app(own_pipeline, start_server) -> tuple[str, object]:
    """An app whose model answers with Markdown, HTML and a link, and whose feedback store is broken."""
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    from rag.backends import ChatBackend
    from ui.server import create_app

    pipeline = own_pipeline(backend="local", rate_limit_per_minute=10_000)
    model = GenericFakeChatModel(messages=itertools.repeat(AIMessage(INJECTED)))
    pipeline.backends.register(ChatBackend("local", model, "passage", timeout_s=30))
    (pipeline.settings.data_dir / "feedback.sqlite3").write_bytes(b"not a database" * 100)
    return start_server(create_app(pipeline, pipeline.settings)), pipeline


# One sentence that passes every check (its date and place are in the cited passage), so the
# markup in it really reaches the reader; markup in a sentence of its own would be dropped.
INJECTED = (
    "The summit was held on 9 October in Dushanbe [1] with **bold** text, "
    "[click here](javascript:alert(document.cookie)), <img src=x onerror=alert(document.domain)>, "
    "![i](https://evil.example/x.png) and <a href='https://evil.example'>evil</a>."
)


def test_markup_in_an_answer_is_shown_as_text_in_the_app_and_widget(
    page, scripted_app, other_origin: Callable[[bytes], str]
) -> None:
    url, _ = scripted_app
    open_app(page, url)
    ask_app(page, "When was the CA–Russia summit?")
    bot = page.locator('#aqa-chat [data-testid="bot"]').last
    shown = bot.inner_text()
    assert "[click here](javascript:alert(document.cookie))" in shown
    assert "<img src=x onerror=alert(document.domain)>" in shown and "**bold**" in shown
    hrefs = bot.evaluate("b => [...b.querySelectorAll('a')].map(a => a.getAttribute('href'))")
    assert hrefs and all(h.startswith("#source-") for h in hrefs), hrefs  # only the citation links
    assert bot.locator("img, strong, b").count() == 0

    page.goto(other_origin(demo_html(url)) + "/", wait_until="load")
    page.wait_for_function("window.ArticleQA && window.ArticleQA.root")
    answer = page.evaluate("q => window.ArticleQA.ask(q)", "When was the CA–Russia summit?")
    assert answer and "javascript:alert(document.cookie)" in answer["answer"]
    bubble = page.locator(".aqa-msg-assistant .aqa-answer").last
    assert "[click here](javascript:alert(document.cookie))" in bubble.inner_text()
    assert page.evaluate("ArticleQA.root.querySelectorAll('.aqa-answer a, .aqa-answer img').length") == 0
    assert page.dialogs == []


def test_a_failed_feedback_write_shows_an_error_and_keeps_the_chat(page, scripted_app) -> None:
    url, _ = scripted_app
    open_app(page, url)
    ask_app(page, "When was the CA–Russia summit?")
    page.locator('#aqa-chat button[aria-label="Like"]').last.click()
    status = page.locator("#aqa-status [data-state=error]")
    status.wait_for(timeout=30_000)
    assert "Could not save your feedback" in status.inner_text() and "not affected" in status.inner_text()
    bots = page.locator('#aqa-chat [data-testid="bot"]')
    assert bots.count() == 1 and "Dushanbe" in bots.last.inner_text()  # the answer is still there
    ask_app(page, "And where was it held?")  # and the chat goes on, follow-ups included
    assert page.locator('#aqa-chat [data-testid="bot"]').count() == 2
