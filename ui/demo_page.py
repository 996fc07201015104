"""A demo news page that embeds the article-qa widget.

``render_demo_page`` is a pure function: article text + metadata in, one complete
HTML5 document out. Every paragraph (and heading) of the article is rendered with
``data-aqa-paragraph`` (1-based number) and ``data-aqa-start`` (character offset of
its first character in the article text), so the widget can map a citation's
``start``/``end`` onto the page and highlight the quoted sentence. The text itself is
only passed through ``html.escape``, never altered, so for every anchor
``element.textContent == article_text[start:end]``.

The page also carries deliberately aggressive host CSS (red ``!important`` buttons,
serif everywhere, huge root font size) to show that the widget's Shadow DOM keeps
the host's styles out and its own styles in.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["Paragraph", "render_demo_page", "split_paragraphs"]

# A blank line: a newline, optional horizontal whitespace, another newline.
_BLANK_LINE = re.compile(r"\n[ \t]*\n")  # the same rule as core.articles.paragraphs
# "автор: ...", "source: ...": a one-word label and a colon -- a byline, not a heading.
_LABEL_LINE = re.compile(r"^\w+:\s")
# Sentence-final punctuation, optionally followed by closing quotes/brackets.
_SENTENCE_END = re.compile(r"[.!?…:;][\"'“”«»„)\]]*$")


@dataclass(frozen=True)
class Paragraph:
    """One blank-line separated block: ``text == article_text[start:end]``."""

    n: int
    start: int
    end: int
    text: str
    kind: str  # "heading" | "meta" | "paragraph"


def _kind(block: str) -> str:
    if "\n" in block:
        return "paragraph"
    if len(block.split()) < 12 and not _SENTENCE_END.search(block):
        return "meta" if _LABEL_LINE.match(block) else "heading"
    return "paragraph"


def split_paragraphs(text: str) -> list[Paragraph]:
    """Split ``text`` on blank lines into numbered blocks with exact offsets.

    Leading/trailing whitespace of each block is excluded from its span; empty
    blocks are skipped and get no number. Numbering starts at 1 and includes
    headings.
    """
    out: list[Paragraph] = []
    pos = 0
    bounds: list[tuple[int, int]] = []
    for m in _BLANK_LINE.finditer(text):
        bounds.append((pos, m.start()))
        pos = m.end()
    bounds.append((pos, len(text)))
    for lo, hi in bounds:
        block = text[lo:hi]
        stripped = block.strip()
        if not stripped:
            continue
        start = lo + (len(block) - len(block.lstrip()))
        end = start + len(stripped)
        assert text[start:end] == stripped
        out.append(Paragraph(len(out) + 1, start, end, stripped, _kind(stripped)))
    return out


_CSS = """
/* ---- Demo newsroom styles ------------------------------------------------ */
html { font-size: 18px; background: #f4f1ea; color: #1d1d1b; }
body { margin: 0; line-height: 1.65; overflow-wrap: break-word; }
.site-header { background: #111; color: #fff; border-bottom: 4px solid #b3121f; }
.site-header .inner { max-width: 1080px; margin: 0 auto; padding: 14px 24px;
  display: flex; align-items: baseline; gap: 24px; }
.site-logo { font-size: 1.6rem; font-weight: 800; letter-spacing: -0.02em; }
.site-logo span { color: #e0323f; }
.site-nav { display: flex; gap: 18px; font-size: .8rem; text-transform: uppercase;
  letter-spacing: .08em; opacity: .85; }
main { max-width: 1080px; margin: 0 auto; padding: 32px 24px 120px;
  display: grid; grid-template-columns: minmax(0, 1fr) 260px; gap: 48px; }
.kicker { color: #b3121f; font-size: .75rem; font-weight: 700; letter-spacing: .12em;
  text-transform: uppercase; }
article h1 { font-size: 2.3rem; line-height: 1.15; margin: .3em 0 .5em; }
.masthead-meta { display: flex; flex-wrap: wrap; gap: 6px 18px; font-size: .8rem;
  color: #5b5750; border-top: 1px solid #d8d2c4; border-bottom: 1px solid #d8d2c4;
  padding: 10px 0; margin-bottom: 28px; }
.masthead-meta strong { color: #1d1d1b; }
article p { margin: 0 0 1.1em; }
article h2 { font-size: 1.35rem; margin: 1.6em 0 .6em; }
article .aqa-meta-line { font-size: .85rem; color: #5b5750; margin: 0 0 .3em; }
aside { font-size: .85rem; border-left: 1px solid #d8d2c4; padding-left: 24px; }
aside h3 { text-transform: uppercase; letter-spacing: .1em; font-size: .75rem; }
aside li { margin-bottom: .8em; }
.site-footer { text-align: center; font-size: .75rem; color: #777; padding: 24px; }
@media (max-width: 800px) {
  main { grid-template-columns: 1fr; padding: 20px 18px 100px; }
  .site-nav { display: none; }
  .site-header .inner { padding: 12px 18px; }
  aside { border-left: 0; padding-left: 0; border-top: 1px solid #d8d2c4; }
  article h1 { font-size: 1.7rem; }
}

/* ---- Deliberately hostile host CSS: the widget's Shadow DOM must ignore it -- */
* { font-family: Georgia, "Times New Roman", serif; box-sizing: content-box; }
button { background: red !important; color: yellow !important; font-size: 30px;
  border: 5px dashed lime; border-radius: 0; padding: 20px; max-width: 80%; }
textarea, input { font-size: 40px; background: #0f0; border: 6px solid blue; }
div, section, p, ol, li, span { letter-spacing: 0.02em; }
p { text-transform: none; }
svg { width: 200px; height: 200px; fill: purple; }
mark { background: black; color: white; }
article-qa-widget { font-size: 40px; color: green; }
"""


def _text(value: str) -> str:
    # A literal CR would be turned into LF by the HTML parser; a character reference survives.
    return html.escape(value).replace("\r", "&#13;")


def _attr(value: object) -> str:
    return html.escape(str(value), quote=True)


def render_demo_page(article_text: str, meta: dict[str, Any], widget_src: str, article_id: str) -> str:
    """Return a complete HTML5 news page for the article, with the widget embedded.

    ``meta`` may carry ``title``, ``language``, ``date``, ``author``, ``source``,
    ``url`` (all optional). Each paragraph becomes
    ``<p id="p-N" data-aqa-paragraph="N" data-aqa-start="OFFSET">`` (headings
    ``<h2>`` with the same attributes; "label: value" lines like ``автор: ...``
    a ``<p class="aqa-meta-line">``), in order, numbered from 1.
    """
    meta = meta or {}
    lang = str(meta.get("language") or "en")
    title = str(meta.get("title") or article_id)
    date = str(meta.get("date") or "")
    author = str(meta.get("author") or "")
    source = str(meta.get("source") or "")
    url = str(meta.get("url") or "")
    labels = _LABELS.get(lang.split("-")[0].lower(), _LABELS["en"])

    body: list[str] = []
    for p in split_paragraphs(article_text):
        attrs = f'id="p-{p.n}" data-aqa-paragraph="{p.n}" data-aqa-start="{p.start}"'
        text = _text(p.text)
        if p.kind == "heading":
            body.append(f"<h2 {attrs}>{text}</h2>")
        elif p.kind == "meta":
            body.append(f'<p {attrs} class="aqa-meta-line">{text}</p>')
        else:
            body.append(f"<p {attrs}>{text}</p>")

    facts: list[str] = []
    if date:
        facts.append(
            f'<span>{labels["date"]}: <time datetime="{_attr(date)}"><strong>'
            f"{html.escape(date)}</strong></time></span>"
        )
    if author:
        facts.append(f"<span>{labels['author']}: <strong>{html.escape(author)}</strong></span>")
    if source:
        if url:
            src = f'<a href="{_attr(url)}" rel="noopener">{html.escape(source)}</a>'
        else:
            src = html.escape(source)
        facts.append(f"<span>{labels['source']}: <strong>{src}</strong></span>")

    nav = "".join(f"<span>{labels[k]}</span>" for k in ("world", "politics", "economy"))
    nl = "\n"
    return f"""<!DOCTYPE html>
<html lang="{_attr(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} — The Daily Meridian</title>
<style>{_CSS}</style>
</head>
<body>
<header class="site-header"><div class="inner">
  <div class="site-logo">The Daily <span>Meridian</span></div>
  <nav class="site-nav" aria-label="Sections">{nav}</nav>
</div></header>
<main>
<article id="article" data-article-id="{_attr(article_id)}">
  <div class="kicker">{labels["world"]}</div>
  <h1>{html.escape(title)}</h1>
  <div class="masthead-meta">{" ".join(facts)}</div>
{nl.join(body)}
</article>
<aside>
  <h3>{labels["demo"]}</h3>
  <p>{labels["demo_text"]}</p>
  <button type="button">{labels["host_button"]}</button>
</aside>
</main>
<footer class="site-footer">The Daily Meridian — demo page for article-qa</footer>
<script src="{_attr(widget_src)}" data-article="{_attr(article_id)}" async></script>
</body>
</html>
"""


_LABELS: dict[str, dict[str, str]] = {
    "bg": {
        "date": "Дата",
        "author": "Автор",
        "source": "Източник",
        "world": "Свят",
        "politics": "Политика",
        "economy": "Икономика",
        "demo": "Демо",
        "demo_text": "Задайте въпрос за статията с бутона долу вдясно. "
        "Цитатите в отговора водят до съответното изречение в текста.",
        "host_button": "Бутон на сайта",
    },
    "ru": {
        "date": "Дата",
        "author": "Автор",
        "source": "Источник",
        "world": "Мир",
        "politics": "Политика",
        "economy": "Экономика",
        "demo": "Демо",
        "demo_text": "Задайте вопрос о статье кнопкой внизу справа. "
        "Ссылки в ответе ведут к нужному предложению в тексте.",
        "host_button": "Кнопка сайта",
    },
    "en": {
        "date": "Date",
        "author": "Author",
        "source": "Source",
        "world": "World",
        "politics": "Politics",
        "economy": "Economy",
        "demo": "Demo",
        "demo_text": "Ask a question about this article with the button at the bottom right. "
        "Citations in the answer jump to the quoted sentence.",
        "host_button": "Host page button",
    },
}
