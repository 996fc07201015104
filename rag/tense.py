"""Questions about what is still to come, and sentences that speak of it.

A review of a year tells what happened in it. "Which city will host the next Central Asia–China
summit?" asked of it is not answered by the city that hosted the last one, however close that
sentence reads: unless one of the sentences found for it speaks of the future too ("ще",
"следващата", "предстои"), the article does not say. A question about the past that uses such a
word ("Where did Tokayev go next?", "What did he say Kazakhstan will become?") asks about the
past: its past tense says so.

    >>> asks_future("Which city will host the next Central Asia–China summit?")
    True
    >>> asks_future("Кой град ще бъде домакин на следващата среща?")
    True
    >>> asks_future("Где пройдёт следующий саммит?")
    True
    >>> asks_future("Where did Tokayev go next?"), asks_future("Where was the summit held?")
    (False, False)
    >>> speaks_future("Следващата среща ще се проведе в Астана.")
    True
    >>> speaks_future("Срещата се проведе в Астана.")
    False
"""

from __future__ import annotations

import re

_FUTURE = re.compile(
    r"\b(?:will|shall|won't|upcoming|next(?! to)|going to|in the future|plans? to|planned"
    r"|ще|следващ\w*|предстоящ\w*|предстои|догодина|в бъдеще"
    r"|буд(?:ет|ут|у|ем|ешь|ете)|следующ\w*|предстоит|в будущем|пройд[её]т|состо(?:ится|ятся))\b",
    re.I,
)
_PAST = re.compile(r"\b(?:did|was|were|had|has|have|didn't|wasn't|weren't)\b", re.I)  # English only:
# a Bulgarian or Russian question that says "ще" or "будет" asks about the future


def asks_future(question: str) -> bool:
    """Whether ``question`` asks about something still to come (and not about the past)."""
    return bool(_FUTURE.search(question)) and not _PAST.search(question)


def speaks_future(sentence: str) -> bool:
    """Whether ``sentence`` speaks of something still to come, in any of the readers' languages."""
    return bool(_FUTURE.search(sentence))
