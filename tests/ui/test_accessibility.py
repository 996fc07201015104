"""Accessibility in a real Chromium: axe-core (axe-playwright-python) over the Gradio page and
over the widget on a host page finds no serious or critical violation; every control has a
name; on a phone the Gradio page shows the sources right after the answer.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

pytestmark = pytest.mark.slow
BLOCKING = ("serious", "critical")


def axe_violations(page, context: object = None) -> list[str]:
    """Serious and critical axe violations on the page (or in ``context``), one line each.

    Run once animations have ended: axe measures contrast as drawn, mid-fade included.
    """
    page.wait_for_function(
        "document.getAnimations().length === 0 && (!window.ArticleQA || "
        "ArticleQA.root.getAnimations?.().length === 0)"
    )
    axe_sync = pytest.importorskip(
        "axe_playwright_python.sync_playwright", reason="needs axe-playwright-python"
    )
    results = axe_sync.Axe().run(page, context=context)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -- " + "; ".join(str(n["target"]) for n in v["nodes"][:4])
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


def open_app(page, url: str) -> None:
    page.goto(url + "/", wait_until="domcontentloaded")
    page.wait_for_selector("#aqa-status [data-state=ready]", timeout=60_000)
    # the status may be drawn before the rest of the page: audit it once the question box is there
    page.get_by_role("textbox", name="Your question about the article").wait_for(timeout=60_000)


def ask_app(page, question: str) -> None:
    page.get_by_role("textbox", name="Your question about the article").fill(question)
    page.locator("#aqa-ask").click()
    page.locator("#aqa-sources .aqa-source").first.wait_for(timeout=60_000)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_gradio_page_has_no_serious_axe_violations(chromium, live_url: str, scheme: str) -> None:
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    try:
        open_app(page, live_url)
        assert page.get_by_role("textbox", name="Your question about the article").count() == 1
        assert page.get_by_role("textbox", name="Textbox").count() == 0
        ask_app(page, "Кога Токаев посети Япония?")
        assert axe_violations(page) == []
    finally:
        context.close()


def test_the_widget_on_a_host_page_has_no_serious_axe_violations(
    chromium, live_url: str, other_origin: Callable[[bytes], str], demo_page
) -> None:
    for scheme in ("light", "dark"):
        context = chromium.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
        page = context.new_page()
        try:
            page.goto(other_origin(demo_page(live_url)) + "/", wait_until="load")
            page.wait_for_function("window.ArticleQA && window.ArticleQA.root")
            assert axe_violations(page, "article-qa-widget") == []  # the launcher
            page.evaluate(
                """() => { const r = document.createRange();
                           r.selectNodeContents(document.querySelector('p[data-aqa-paragraph]'));
                           getSelection().removeAllRanges(); getSelection().addRange(r); }"""
            )
            page.locator("#aqa-ask-selection").wait_for(state="visible")
            assert axe_violations(page, "article-qa-widget") == []  # the highlight-to-ask offer
            page.evaluate("getSelection().removeAllRanges()")
            page.locator("#aqa-ask-selection").wait_for(state="hidden")
            page.locator("#aqa-launcher").click()
            page.locator(".aqa-suggestion").first.wait_for()
            assert axe_violations(page, "article-qa-widget") == []  # the intro
            page.evaluate("q => ArticleQA.ask(q)", "Кога Токаев посети Япония?")
            page.locator(".aqa-fb-btn[data-rating=down]").last.click()
            assert axe_violations(page, "article-qa-widget") == [], scheme  # answer, sources, feedback
            unnamed = page.evaluate(
                """() => [...ArticleQA.root.querySelectorAll('button, textarea, [role=group], [role=dialog]')]
                     .filter(e => !e.hidden && e.offsetParent !== null)
                     .filter(e => !(e.getAttribute('aria-label') || e.getAttribute('aria-labelledby')
                                    || e.textContent.trim() || e.labels?.length))
                     .map(e => e.outerHTML.slice(0, 80))"""
            )
            assert unnamed == []
        finally:
            context.close()


def test_on_a_phone_the_sources_come_right_after_the_answer(chromium, live_url: str) -> None:
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        open_app(page, live_url)
        ask_app(page, "When was the CA–Russia summit?")
        top = "s => document.querySelector(s).getBoundingClientRect().top + scrollY"
        chat, sources = page.evaluate(top, "#aqa-chat"), page.evaluate(top, "#aqa-sources")
        controls, examples = page.evaluate(top, "#aqa-controls"), page.evaluate(top, "#aqa-examples")
        assert chat < sources < controls < examples, (chat, sources, controls, examples)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    finally:
        context.close()
