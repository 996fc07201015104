"""HTML for the Gradio app: chat messages, the sources panel and the status line.

Every piece of text from a reader, a model or an article goes through ``html.escape`` (and,
for chat messages, through ``escape_markdown`` so Markdown syntax shows as typed); the only
markup is what this module writes itself. ``[n]`` markers in an answer become links to
``#source-n`` in the sources panel, where the quoted span is wrapped in ``<mark>`` inside the
text of its paragraph.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Any

from core.articles import paragraphs
from core.types import Article

MARKER = re.compile(r"\[(\d{1,3})\]")
# Characters that HTML or Markdown (or Gradio's LaTeX) could treat as syntax; written as
# character references they render as themselves.
_ESCAPES = {
    **{c: f"&#{ord(c)};" for c in "\\`*_{}[]()#+-.!|~$:\"'"},
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
}


def escape_markdown(text: str) -> str:
    """Text that a Markdown renderer shows exactly as written (HTML and Markdown both inert).

    >>> escape_markdown("<b>*hi*</b>")
    '&lt;b&gt;&#42;hi&#42;&lt;/b&gt;'
    """
    return "".join(_ESCAPES.get(c, c) for c in text)


def question_message(text: str) -> str:
    """A reader's question as a chat message (shown as typed)."""
    return escape_markdown(text)


def answer_message(text: str, cited: Iterable[int] = (), notice: str = "", streaming: bool = False) -> str:
    """An answer as a chat message: escaped text, ``[n]`` linked to ``#source-n``, then the notice."""
    linkable = set(cited)
    parts: list[str] = []
    pos = 0
    for m in MARKER.finditer(text):
        parts.append(escape_markdown(text[pos : m.start()]))
        n = int(m.group(1))
        if n in linkable or streaming:
            parts.append(f'<a href="#source-{n}" class="aqa-cite" title="Source {n}">&#91;{n}&#93;</a>')
        else:
            parts.append(escape_markdown(m.group(0)))
        pos = m.end()
    parts.append(escape_markdown(text[pos:]))
    body = "".join(parts)
    if streaming:
        body += " ▍"
    if notice:
        body += f"\n\n<em>{escape_markdown(notice)}</em>"
    return body


def error_message(text: str) -> str:
    """An error shown in place of an answer."""
    return f"⚠️ {escape_markdown(text)}"


def status_html(state: str, text: str) -> str:
    """The status line: ``state`` is ready, loading, waiting, working or error."""
    state = state if state in ("ready", "loading", "waiting", "working", "error") else "ready"
    busy = state in ("loading", "waiting", "working")
    spinner = '<span class="aqa-spinner" aria-hidden="true"></span>' if busy else ""
    return (
        f'<div class="aqa-status aqa-status-{state}" role="status" aria-live="polite" data-state="{state}">'
        f"{spinner}<span>{html.escape(text)}</span></div>"
    )


def header_html(article: Article | None) -> str:
    """The title block: what the chat is about."""
    if article is None:
        return '<div class="aqa-header"><h1>Ask the article</h1></div>'
    facts = [html.escape(x) for x in (article.date, article.author, article.source) if x]
    return (
        '<div class="aqa-header"><h1>Ask the article</h1>'
        f'<p class="aqa-title">{html.escape(article.title or article.id)}</p>'
        f'<p class="aqa-facts">{" · ".join(facts)}</p></div>'
    )


def sources_placeholder() -> str:
    """The sources panel before any question."""
    return (
        '<div class="aqa-sources"><h2>Sources</h2><p class="aqa-muted">'
        "Each answer quotes the article. The quoted sentences appear here, highlighted in their "
        "paragraph; click a marker like [1] in an answer to jump to its source.</p></div>"
    )


def retrieved_html(passages: Sequence[dict[str, Any]]) -> str:
    """The panel while an answer is being written: the passages found, not yet cited."""
    items = "".join(
        f'<li class="aqa-source aqa-retrieved" data-n="{int(p["n"])}"><div class="aqa-source-head">'
        f'<span class="aqa-source-n">[{int(p["n"])}]</span> ¶ {int(p["paragraph"])}</div>'
        f'<p class="aqa-source-text">{html.escape(str(p["text"]))}</p></li>'
        for p in passages
    )
    return (
        '<div class="aqa-sources"><h2>Sources</h2>'
        '<p class="aqa-muted">Passages found; writing the answer…</p>'
        f'<ol class="aqa-source-list">{items}</ol></div>'
    )


def sources_html(answer: dict[str, Any], articles: dict[str, Article]) -> str:
    """The panel for a final answer (``Answer.to_dict()``): cited passages first, quotes marked."""
    citations = answer.get("citations") or []
    passages = {int(p["n"]): p for p in answer.get("passages") or []}
    cited = sorted({int(c["n"]) for c in citations if int(c["n"]) in passages})
    items: list[str] = []
    for n in cited:
        passage = passages[n]
        quotes = [c for c in citations if int(c["n"]) == n]
        article = articles.get(str(passage["article_id"]))
        body = _quoted_paragraphs(article, quotes) if article else _marked(str(passage["text"]), [])
        items.append(
            f'<li class="aqa-source" id="source-{n}" data-n="{n}"><div class="aqa-source-head">'
            f'<span class="aqa-source-n">[{n}]</span> ¶ {int(quotes[0]["paragraph"])}</div>'
            f'<p class="aqa-source-text">{body}</p></li>'
        )
    rest = [p for n, p in sorted(passages.items()) if n not in cited]
    if not items:
        note = "The answer cites no passage." if not answer.get("abstained") else "The article does not say."
        head = f'<p class="aqa-muted">{html.escape(note)}</p>'
    else:
        head = f'<ol class="aqa-source-list">{"".join(items)}</ol>'
    more = ""
    if rest:
        others = "".join(
            f'<li class="aqa-source aqa-retrieved" id="source-{int(p["n"])}" data-n="{int(p["n"])}">'
            f'<div class="aqa-source-head"><span class="aqa-source-n">[{int(p["n"])}]</span> '
            f'¶ {int(p["paragraph"])}</div><p class="aqa-source-text">{html.escape(str(p["text"]))}</p></li>'
            for p in rest
        )
        more = (
            f"<details><summary>Other passages searched ({len(rest)})</summary>"
            f'<ol class="aqa-source-list">{others}</ol></details>'
        )
    return f'<div class="aqa-sources"><h2>Sources</h2>{head}{more}</div>'


def _quoted_paragraphs(article: Article, quotes: Sequence[dict[str, Any]]) -> str:
    """The paragraph(s) holding the quotes, escaped, with each quote in ``<mark>``."""
    spans = [(int(q["start"]), int(q["end"])) for q in quotes]
    lo, hi = min(s for s, _ in spans), max(e for _, e in spans)
    touched = [p for p in paragraphs(article.text) if p.start < hi and lo < p.end] or []
    start = min([p.start for p in touched], default=lo)
    end = max([p.end for p in touched], default=hi)
    return _marked(article.text[start:end], [(s - start, e - start) for s, e in spans])


def _marked(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` escaped, with the (non-overlapping after merging) ``spans`` in ``<mark>``."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted((max(0, s), min(len(text), e)) for s, e in spans):
        if e <= s:
            continue
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    out: list[str] = []
    pos = 0
    for s, e in merged:
        out.append(_with_breaks(text[pos:s]))
        out.append(f'<mark class="aqa-quote">{_with_breaks(text[s:e])}</mark>')
        pos = e
    out.append(_with_breaks(text[pos:]))
    return "".join(out)


def _with_breaks(text: str) -> str:
    return html.escape(text).replace("\n\n", "<br><br>").replace("\n", "<br>")


def messages(turns: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The chatbot's messages, rendered from the exchanges (user at 2k, assistant at 2k+1)."""
    out: list[dict[str, str]] = []
    for t in turns:
        out.append({"role": "user", "content": question_message(t["question"])})
        answer = t.get("answer")
        if answer:
            cited = [int(c["n"]) for c in answer["citations"]]
            content = answer_message(answer["answer"], cited, answer.get("notice", ""))
        elif t.get("error"):
            content = error_message(t["error"])
        elif t.get("partial"):
            content = answer_message(t["partial"], streaming=True)
        else:
            content = "<em>Searching the article…</em>"
        out.append({"role": "assistant", "content": content})
    return out
