"""Questions about the whole article: "What is this article about?", "Summarize the article".

No sentence of the article answers these by its likeness to the question (the closest one to
"What is this article about?" is the byline), so they are not searched: the answer is what the
article covers, in the reader's language (its ``about`` summaries), cited to its lead. "What is
it about?" is not one: "it" may be the summit of the turn before.

    >>> asks("What is this article about?"), asks("Summarize the article"), asks("О чём статья?")
    (True, True, True)
    >>> asks("За какво е статията?"), asks("What are the main points?"), asks("Перескажи статью")
    (True, True, True)
    >>> asks("What does the article say about Japan?"), asks("What was the summit about?")
    (False, False)
"""

from __future__ import annotations

import re

_WHOLE = r"(?:this|the)\s+(?:article|story|piece|text|review|report)"
_ASKS = re.compile(
    r"^\W*(?:so\s+|and\s+|а\s+|и\s+|ну\s+)?(?:"
    # English
    rf"what(?:'s|\s+is|\s+was)\s+{_WHOLE}\s+about|what\s+does\s+{_WHOLE}\s+(?:say|cover)"
    r"|(?:please\s+|can\s+you\s+|could\s+you\s+)?(?:summar(?:ise|ize)|sum\s+up)(?:\s+" + _WHOLE + r")?"
    r"|(?:give\s+me\s+)?(?:a\s+|the\s+)?(?:summary|gist|tl;?dr)(?:\s+of\s+" + _WHOLE + r")?"
    rf"|what\s+are\s+the\s+(?:main|key)\s+(?:points|ideas|takeaways)(?:\s+of\s+{_WHOLE})?"
    # Bulgarian
    r"|за\s+какво\s+(?:е|се\s+разказва\s+в|става\s+дума\s+в|говори)\s+(?:статията|материалът|материала|текстът|обзорът)"
    r"|(?:обобщи|резюмирай|перифразирай)(?:\s+(?:статията|текста|материала))?"
    r"|(?:резюме|обобщение)(?:\s+на\s+(?:статията|текста))?"
    r"|какви\s+са\s+основните\s+(?:идеи|моменти|точки|изводи)(?:\s+на\s+статията)?"
    # Russian
    r"|о\s+ч[её]м\s+(?:эта\s+|данная\s+)?(?:статья|текст|материал|обзор)"
    r"|(?:перескажи|резюмируй|суммируй|обобщи)(?:\s+(?:статью|текст|материал))?"
    r"|(?:кратко\w*\s+)?(?:содержание|резюме|пересказ)(?:\s+(?:статьи|текста))?"
    r"|каковы\s+основные\s+(?:мысли|идеи|тезисы|выводы)(?:\s+статьи)?"
    r")(?:\W+please)?\W*$",
    re.I,
)


def asks(question: str) -> bool:
    """Whether ``question`` asks what the whole article is about (not what it says of something)."""
    return bool(_ASKS.match(question.strip()))
