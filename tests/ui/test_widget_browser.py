"""The widget as an integrator and a reader meet it, in a real Chromium on a page from another
origin: what a misconfigured embed says (and logs), suggestions, feedback, highlight-to-ask
(with the mouse and with the keyboard alone), the place in a long model line with the quick
answer, the phone layout, keyboard use, the reader's colour scheme and motion preferences.
"""

from __future__ import annotations

import re
import socket
import sqlite3
from collections.abc import Callable, Iterator

import pytest

from core.settings import Settings
from ui.suggestions import suggestions_for

ARTICLE = "kazakhstan-diplomacy-2025"
JAPAN = "Кога Токаев посети Япония?"
JAPAN_EVIDENCE = "Япония на 18–20 декември 2025"
ERRORS = (
    "[...ArticleQA.root.querySelectorAll('[data-role=error]')]"
    ".map(e => [e.dataset.kind, e.textContent.trim()])"
)

pytestmark = pytest.mark.slow


@pytest.fixture
def page(chromium) -> Iterator[object]:
    """A fresh desktop page that records console warnings and JavaScript dialogs (none may open)."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.warnings, page.dialogs = [], []
    page.on("console", lambda m: page.warnings.append(m.text) if m.type == "warning" else None)
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    yield page
    context.close()


def load(page, url: str) -> None:
    page.goto(url + "/", wait_until="load")
    page.wait_for_function("window.ArticleQA && window.ArticleQA.root")


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- an embed that is set up wrong says so, to the reader and to the developer ----------------------


def test_without_data_article_the_only_article_is_used_and_suggested_questions_shown(
    page, live_url: str, other_origin: Callable[[bytes], str], demo_page
) -> None:
    load(page, other_origin(demo_page(live_url, article=None)))
    assert page.evaluate("ArticleQA.articleId") == ""
    page.locator("#aqa-launcher").click()
    chips = page.locator(".aqa-suggestion")
    chips.first.wait_for()
    assert chips.all_inner_texts() == suggestions_for(ARTICLE)["bg"]  # the page is in Bulgarian
    answer = page.evaluate("q => ArticleQA.ask(q)", JAPAN)
    assert answer["article_id"] == ARTICLE
    assert any(JAPAN_EVIDENCE in c["quote"] for c in answer["citations"]), answer
    assert page.warnings == [] and page.dialogs == []


def test_an_unknown_article_and_an_unreachable_server_get_their_own_messages(
    page, live_url: str, other_origin: Callable[[bytes], str], demo_page
) -> None:
    load(page, other_origin(demo_page(live_url, article="no-such-story")))
    assert page.evaluate("q => ArticleQA.ask(q)", JAPAN) is None
    assert page.evaluate(ERRORS) == [["article", "Въпросите за тази статия все още не са достъпни."]]
    hint = [w for w in page.warnings if 'data-article="no-such-story"' in w]
    assert len(hint) == 1 and f"{live_url}/api/articles" in hint[0]

    page.warnings.clear()
    dead = f"http://127.0.0.1:{closed_port()}/"
    load(page, other_origin(demo_page(live_url, api=dead, lang="ru")))
    assert page.evaluate("ArticleQA.language") == "ru"  # data-lang beats <html lang="bg">
    assert page.evaluate("q => ArticleQA.ask(q)", JAPAN) is None
    assert page.evaluate(ERRORS) == [["network", "Сервис ответов сейчас недоступен. Попробуйте позже."]]
    assert any(w.startswith(f"article-qa: no response from {dead}") for w in page.warnings), page.warnings


# -- feedback, highlight-to-ask -------------------------------------------------------------------


def test_a_reader_rates_an_answer_with_a_reason(
    page, live_url: str, other_origin: Callable[[bytes], str], demo_page, ui_settings: Settings
) -> None:
    load(page, other_origin(demo_page(live_url, lang="en")))
    answer = page.evaluate("q => ArticleQA.ask(q)", "When did Tokayev visit Japan?")
    assert answer and answer["citations"]
    row = page.locator(".aqa-msg-assistant .aqa-feedback").last
    assert row.locator("button").all_inner_texts() == ["Yes", "Not sure", "No"]
    row.locator("button[data-rating=unsure]").click()
    assert row.locator("button[data-rating=unsure]").get_attribute("aria-pressed") == "true"
    page.get_by_label("What was wrong or missing? (optional)").fill("which visit?")
    row.locator(".aqa-fb-send").click()
    row.locator("[data-feedback=saved]").wait_for()
    with sqlite3.connect(ui_settings.data_dir / "feedback.sqlite3") as db:
        saved = db.execute(
            "SELECT rating, reason, article_id, citations FROM feedback ORDER BY id DESC"
        ).fetchone()
    assert saved[:3] == ("unsure", "which visit?", ARTICLE)
    assert f'"paragraph": {answer["citations"][0]["paragraph"]}' in saved[3]


def test_a_reader_selects_a_sentence_and_asks_about_it(
    page, live_url: str, other_origin: Callable[[bytes], str], demo_page
) -> None:
    load(page, other_origin(demo_page(live_url, lang="en")))
    sentence = "втората среща на върха „ЦА – Русия“ на 9 октомври в Душанбе"
    page.evaluate(
        """s => { const p = [...document.querySelectorAll('[data-aqa-paragraph]')]
                      .find(e => e.textContent.includes(s));
                  const node = p.firstChild, at = node.data.indexOf(s), r = document.createRange();
                  r.setStart(node, at); r.setEnd(node, at + s.length);
                  p.scrollIntoView({block: 'center'});
                  getSelection().removeAllRanges(); getSelection().addRange(r); }""",
        sentence,
    )
    offer = page.locator("#aqa-ask-selection")
    offer.wait_for(state="visible")
    assert offer.inner_text() == "Ask about this"
    offer.click()
    assert page.locator("#aqa-context").is_visible() and sentence in page.locator("#aqa-context").inner_text()
    page.locator("#aqa-input").fill("Where was it held?")
    with page.expect_response(lambda r: r.url.endswith("/api/ask/stream")) as sent:
        page.locator("#aqa-send").click()
    assert sent.value.request.post_data_json["context"] == sentence
    page.locator(".aqa-msg-assistant[data-state=done]").wait_for()
    assert page.locator(".aqa-msg-assistant .aqa-source-quote").filter(has_text="Душанбе").count() >= 1
    assert page.locator("#aqa-context").is_hidden()  # asked once, then gone


CARET = "() => { const s = getSelection(); return [s.anchorNode?.parentNode?.id || '', s.anchorOffset]; }"
FOCUSED = "() => document.activeElement === ArticleQA.host ? ArticleQA.root.activeElement?.id : ''"


def test_a_reader_selects_with_the_keyboard_alone_and_asks_about_it(
    caret_chromium, live_url: str, other_origin: Callable[[bytes], str], demo_page
) -> None:
    context = caret_chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        load(page, other_origin(demo_page(live_url, lang="en")))
        sentence = "втората среща на върха „ЦА – Русия“ на 9 октомври в Душанбе"
        target, at = page.evaluate(
            """s => { const p = [...document.querySelectorAll('[data-aqa-paragraph]')]
                          .find(e => e.textContent.includes(s));
                      return [p.id, p.firstChild.data.indexOf(s)]; }""",
            sentence,
        )
        # The caret goes down line by line into the paragraph, then along it to the sentence.
        page.keyboard.press("Control+Home")
        for _ in range(400):
            if page.evaluate(CARET)[0] == target:
                break
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Home")
        while page.evaluate(CARET)[1] > at:
            page.keyboard.press("ArrowLeft")
        while page.evaluate(CARET)[1] < at:
            page.keyboard.press("ArrowRight")
        assert page.evaluate(CARET) == [target, at]
        for _ in sentence:
            page.keyboard.press("Shift+ArrowRight")
        assert page.evaluate("getSelection().toString()") == sentence

        offer = page.get_by_role("button", name="Ask about this", exact=True)
        offer.wait_for(state="visible")
        hint = "Text selected. To ask about it, press Tab or Alt+Shift+Q."
        page.wait_for_function(f"ArticleQA.root.querySelector('#aqa-offer-status').textContent === {hint!r}")
        assert offer.get_attribute("aria-keyshortcuts") == "Alt+Shift+Q"
        page.keyboard.press("Alt+Shift+Q")  # the shortcut reaches it, and Escape puts it away
        assert page.evaluate(FOCUSED) == "aqa-ask-selection"
        page.keyboard.press("Escape")
        assert offer.is_hidden() and not page.evaluate("ArticleQA.isOpen()")

        page.keyboard.press("Shift+ArrowLeft")  # selecting again offers it again
        page.keyboard.press("Shift+ArrowRight")
        offer.wait_for(state="visible")
        page.keyboard.press("Tab")  # the next Tab after selecting goes to it
        assert page.evaluate(FOCUSED) == "aqa-ask-selection"
        page.keyboard.press("Enter")
        page.wait_for_function(f"({FOCUSED})() === 'aqa-input'")
        assert sentence in page.locator("#aqa-context").inner_text()
        page.keyboard.type("Where was it held?")
        with page.expect_response(lambda r: r.url.endswith("/api/ask/stream")) as sent:
            page.keyboard.press("Enter")
        assert sent.value.request.post_data_json["context"] == sentence
        page.locator(".aqa-msg-assistant[data-state=done]").wait_for()
        assert page.locator(".aqa-msg-user .aqa-about").inner_text().endswith(f"“{sentence}”")
        assert page.locator(".aqa-msg-assistant .aqa-source-quote").filter(has_text="Душанбе").count() >= 1
    finally:
        context.close()


# -- fair under load: the place in the model's line, and the quick answer at once ----------------

SHOWN = """() => { window.__shown = [];
  const log = ArticleQA.root.querySelector('#aqa-messages');
  new MutationObserver(() => log.querySelectorAll('.aqa-msg-assistant .aqa-answer')
      .forEach(a => window.__shown.push(a.textContent))
  ).observe(log, {childList: true, subtree: true, characterData: true}); }"""


def test_a_reader_far_back_in_the_models_line_takes_the_quick_answer_with_the_keyboard(
    page, own_pipeline, start_server, other_origin: Callable[[bytes], str], demo_page, busy
) -> None:
    import itertools
    import threading

    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    from rag.backends import ChatBackend
    from ui.server import create_app

    # The model (scripted: no model download) is the default backend; its line is made long below.
    scripted = own_pipeline(backend="local", rate_limit_per_minute=10_000, queue_size=8)
    model = GenericFakeChatModel(
        messages=itertools.repeat(AIMessage("Tokayev visited Japan in December [1]."))
    )
    scripted.backends.register(ChatBackend("local", model, "passage", timeout_s=30))
    app = create_app(scripted, scripted.settings)
    url = start_server(app)
    line = app.state.service.queues["local"]
    load(page, other_origin(demo_page(url, lang="en")))
    page.locator("#aqa-launcher").click()
    page.evaluate(SHOWN)
    stop = threading.Event()
    with busy(line):  # every model slot taken, and one more question waits ahead of the reader's
        ahead = line.join()
        keep = threading.Thread(target=lambda: [ahead.position() for _ in iter(lambda: stop.wait(1), True)])
        keep.start()
        try:
            page.locator("#aqa-input").fill("When did Tokayev visit Japan?")
            page.keyboard.press("Enter")
            turn = page.locator(".aqa-msg-assistant[data-place='2']")
            turn.wait_for(timeout=30_000)
            assert "Waiting in line: you are number 2." in turn.inner_text()
            status = page.locator("#aqa-status")  # said politely, not as an alert
            assert status.text_content() == "Waiting in line: you are number 2."
            assert status.get_attribute("role") == "status" and page.locator("[role=alert]").count() == 0
            quick = page.get_by_role("button", name="Get the quick answer now", exact=True)
            assert quick.get_attribute("aria-description") == quick.get_attribute("title")
            assert "without the model" in quick.get_attribute("title")
            assert_no_serious_axe_violations(page)
            for _ in range(10):  # from the question box, back into the conversation
                page.keyboard.press("Shift+Tab")
                if page.evaluate(QUICK_FOCUSED):
                    break
            assert page.evaluate(QUICK_FOCUSED)
            with page.expect_request(lambda r: r.url.endswith("/api/ask/stream")) as asked:
                page.keyboard.press("Enter")
            assert asked.value.post_data_json["backend"] == "extractive"
            assert asked.value.post_data_json["question"] == "When did Tokayev visit Japan?"
            answered = page.locator(".aqa-msg-assistant[data-state=done][data-backend=extractive]")
            answered.wait_for(timeout=30_000)
            assert page.locator(".aqa-msg-assistant").count() == 1 and quick.count() == 0
            assert answered.locator("button.aqa-cite").count() >= 1
            assert answered.locator(".aqa-source-quote").filter(has_text=JAPAN_EVIDENCE).count() >= 1
            for _ in range(100):  # the waiting request was aborted: it gave its place back
                if line.stats()["waiting"] == 1:
                    break
                page.wait_for_timeout(100)
            assert line.stats()["waiting"] == 1, line.stats()
        finally:
            stop.set()
            keep.join()
            ahead.finish()
    final = answered.locator(".aqa-answer").inner_text()
    shown = [re.sub(r"\[(\d+)\]", r"\1", text) for text in page.evaluate("window.__shown")]  # [1] -> button
    assert shown and all(final.startswith(text) for text in shown), (shown, final)  # only ever grew
    assert "Tokayev visited Japan in December" not in final
    assert page.locator(".aqa-msg-assistant").count() == 1 and page.warnings == []


QUICK_FOCUSED = (
    "() => document.activeElement === ArticleQA.host && !!ArticleQA.root.activeElement?.matches('.aqa-quick')"
)


def assert_no_serious_axe_violations(page) -> None:
    """axe-core over the widget as it is now: no serious or critical violation."""
    axe_sync = pytest.importorskip(
        "axe_playwright_python.sync_playwright", reason="needs axe-playwright-python"
    )
    page.wait_for_function(  # axe measures contrast as drawn: after fades (the dots go on and on)
        "ArticleQA.root.getAnimations().every(a => a.effect?.getTiming().iterations === Infinity)"
    )
    violations = axe_sync.Axe().run(page, context="article-qa-widget").response["violations"]
    assert [v["id"] for v in violations if v["impact"] in ("serious", "critical")] == []


# -- phone, keyboard, colour scheme, motion ---------------------------------------------------


def test_on_a_phone_the_panel_never_covers_the_article(
    chromium, live_url: str, other_origin: Callable[[bytes], str], demo_page
) -> None:
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        load(page, other_origin(demo_page(live_url)))
        page.locator("#aqa-launcher").click()
        panel = page.locator("#aqa-panel")
        box = panel.bounding_box()
        assert box["height"] <= 844 * 0.55 and box["y"] + box["height"] >= 843  # docked at the bottom
        page.evaluate("q => ArticleQA.ask(q)", JAPAN)
        page.locator("button.aqa-cite[data-n]").first.click()
        page.wait_for_function("document.querySelectorAll('mark.aqa-highlight').length > 0")
        page.wait_for_function(  # the quote is on screen above the panel, which stays open
            """() => { const m = document.querySelector('mark.aqa-highlight').getBoundingClientRect();
                       const p = ArticleQA.root.querySelector('#aqa-panel').getBoundingClientRect();
                       return m.top >= 0 && m.bottom <= p.top + 1; }"""
        )
        assert page.evaluate("ArticleQA.isOpen()")
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        page.wait_for_function(  # scrolled to the end, the article's last line is above the panel
            """() => { const all = document.querySelectorAll('[data-aqa-paragraph]');
                       const last = all[all.length - 1].getBoundingClientRect();
                       const p = ArticleQA.root.querySelector('#aqa-panel').getBoundingClientRect();
                       return last.bottom <= p.top + 1; }"""
        )
        page.keyboard.press("Escape")  # dismissible, and the page gets its space back
        assert not page.evaluate("ArticleQA.isOpen()")
        assert page.evaluate("document.body.style.paddingBottom") == ""
    finally:
        context.close()


def test_the_widget_works_from_the_keyboard_alone(
    page, live_url: str, other_origin: Callable[[bytes], str], demo_page
) -> None:
    load(page, other_origin(demo_page(live_url)))
    active = (
        "() => { const a = document.activeElement;"
        " return a === ArticleQA.host ? ArticleQA.root.activeElement?.id : a?.tagName; }"
    )
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate(active) == "aqa-launcher":
            break
    assert page.evaluate(active) == "aqa-launcher"
    page.keyboard.press("Enter")
    page.wait_for_function(f"({active})() === 'aqa-input'")
    page.keyboard.type(JAPAN)
    page.keyboard.press("Enter")
    page.locator(".aqa-msg-assistant[data-state=done]").wait_for()
    cite = "() => ArticleQA.root.activeElement?.classList.contains('aqa-cite')"
    page.wait_for_function(f"({active})() === 'aqa-input'")
    for _ in range(25):
        page.keyboard.press("Shift+Tab")
        if page.evaluate(cite):
            break
    assert page.evaluate(cite)
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelectorAll('mark.aqa-highlight').length > 0")
    page.keyboard.press("Escape")
    assert not page.evaluate("ArticleQA.isOpen()") and page.evaluate(active) == "aqa-launcher"


def test_the_widget_follows_dark_mode_and_reduced_motion(
    chromium, live_url: str, other_origin: Callable[[bytes], str], demo_page
) -> None:
    context = chromium.new_context(color_scheme="dark", reduced_motion="reduce")
    page = context.new_page()
    try:
        load(page, other_origin(demo_page(live_url)))
        page.locator("#aqa-launcher").click()
        style = page.evaluate(
            """() => { const s = getComputedStyle(ArticleQA.root.querySelector('#aqa-panel'));
                       return [s.backgroundColor, s.animationName]; }"""
        )
        assert style == ["rgb(15, 23, 42)", "none"]
    finally:
        context.close()
