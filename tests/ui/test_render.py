"""The app's HTML: reader, model and article text is always inert; quotes are marked."""

from __future__ import annotations

import re

from core.types import Article
from ui import render

XSS = "<img src=x onerror=alert(1)> <script>alert(2)</script> [link](javascript:alert(3)) *b*"


def test_questions_and_answers_show_as_typed() -> None:
    for html in (render.question_message(XSS), render.answer_message(XSS), render.error_message(XSS)):
        assert "<" not in html.replace("<em>", "").replace("</em>", "")
        assert "(" not in html and "*" not in html and "[" not in html


def test_markers_link_to_their_sources() -> None:
    html = render.answer_message("Dushanbe [1] and [7].", cited=[1], notice="<b>fallback</b>")
    assert '<a href="#source-1" class="aqa-cite"' in html
    assert "source-7" not in html  # not cited: left as text
    assert "&lt;b&gt;fallback" in html


def test_sources_mark_the_quote_inside_its_paragraph() -> None:
    text = "Title\n\nFirst <b>para</b>. The quoted sentence.\n\nNext."
    article = Article(id="a", text=text)
    start = text.index("The quoted")
    end = start + len("The quoted sentence.")
    answer = {
        "citations": [{"n": 2, "paragraph": 2, "start": start, "end": end, "quote": text[start:end]}],
        "passages": [
            {"n": 1, "article_id": "a", "paragraph": 1, "text": "Title", "start": 0, "end": 5},
            {"n": 2, "article_id": "a", "paragraph": 2, "text": text[7:46], "start": 7, "end": 46},
        ],
        "abstained": False,
    }
    html = render.sources_html(answer, {"a": article})
    found = re.search(r'<li class="aqa-source" id="source-2".*?</li>', html)
    assert found
    item = found.group(0)
    assert "First &lt;b&gt;para&lt;/b&gt;. " in item
    assert '<mark class="aqa-quote">The quoted sentence.</mark>' in item
    assert "Other passages searched (1)" in html and 'id="source-1"' in html
