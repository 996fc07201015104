"""Follow-up questions: "and where was it held?" becomes a question retrieval can answer.

A follow-up is recognised by its shape: opening with "and"/"и"/"а", leaning on a pronoun such as
"it", "there", "той", "там", "он", or made of question words alone ("Where?", "А кога?"). Its
length says nothing: "Who wrote the article?" is short and stands alone. A follow-up is joined to
the reader's previous standalone question, which brings back the subject the pronoun points at. The language
model still sees the last exchange itself, so it can resolve the reference in its answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.types import Turn
from rag import smalltalk

MAX_TURNS = 6
_FOLLOW_UP = re.compile(
    r"^\s*(and|but|also|what about|how about|и|а|ами|също|ну|также)\b"
    r"|\b(it|its|there|then|that|this|those|he|she|they|him|her|them"
    r"|той|тя|то|те|там|тогава|този|тази|това|тези|него|нея|тях"
    r"|он|она|оно|они|там|тогда|этот|эта|это|эти|его|ее|её|их)\b",
    re.IGNORECASE,
)


_NEW_TOPIC = re.compile(  # the reader says the subject changes
    r"^\W*(by the way|another question|a different question|now a different question|new question"
    r"|change of topic|друг въпрос|нов въпрос|между другото|другой вопрос|новый вопрос|кстати)\b",
    re.IGNORECASE,
)
_THE_ARTICLE = re.compile(  # "this article" points at the article, not at the last answer
    r"\b(this|the) (article|piece|review|text|story|publication)\b"
    r"|\b(тази|това|този) (статия|материал|текст|обзор|публикация)\b"
    r"|\b(эт(?:а|ой|у|от|ом)) (стать[яиюе]|материал[ае]?|текст[ае]?|обзор[ае]?|публикаци[яиюе])\b",
    re.IGNORECASE,
)

_QUESTION_WORDS = {
    "when", "where", "who", "whom", "what", "which", "why", "how", "many", "much", "and", "then", "else",
    "кога", "къде", "кой", "коя", "кое", "кои", "какво", "защо", "как", "колко", "а", "и", "още",
    "когда", "где", "кто", "что", "какой", "какая", "почему", "сколько", "ещё", "еще",
}  # fmt: skip


def is_follow_up(question: str, history: Sequence[Turn]) -> bool:
    """True when ``question`` probably needs the conversation to be understood.

    >>> asked = [Turn("user", "When did Tokayev visit Japan?")]
    >>> is_follow_up("And where did he stay?", asked), is_follow_up("Who wrote this article?", asked)
    (True, False)
    """
    if not any(t.role == "user" for t in history) or _NEW_TOPIC.search(question):
        return False
    question = _THE_ARTICLE.sub(" ", question)
    words = [w.lower() for w in re.findall(r"\w+", question)]
    bare = bool(words) and all(w in _QUESTION_WORDS for w in words)
    return bare or bool(_FOLLOW_UP.search(question))


def standalone(question: str, history: Sequence[Turn]) -> str:
    """The question to retrieve with: a follow-up joined to the previous question and answer.

    >>> standalone("And where?", [Turn("user", "When was the summit?"), Turn("assistant", "In May [1].")])
    'When was the summit? In May. And where?'
    """
    if not is_follow_up(question, history):
        return question
    base, said = "", ""
    asked: list[Turn] = []
    for turn in history:
        if turn.role == "user":
            if not base or not is_follow_up(turn.content, asked):
                base = turn.content.strip()
            asked.append(turn)
        else:  # the last answer names what "he" or "there" refers to
            said = re.sub(r"\s*\[\d+\]", "", turn.content).strip()[:200]
    swapped = _swapped(base, question)
    if swapped is not None:  # "And China?": the question before, about China (not Japan's answer)
        return swapped
    return " ".join(part for part in (base, said, question.strip()) if part)


_NAME = r"[A-ZА-ЯЁ][\w'’.–-]*(?:\s+[A-ZА-ЯЁ][\w'’.–-]*)*"
_ONLY_NAME = re.compile(
    r"^\W*(?i:and|what about|how about|what of|и|а|ами|а какво за|а как е с|а что с|а как с|ну а)\s+"
    r"(?i:(?:in|to|with|from|of|at|в|във|на|с|със|от|до|за|из|к|ко|о|об|у)\s+)?(?i:the\s+)?"
    rf"(?P<name>{_NAME})\s*\?*\s*$"
)
_NAMES = re.compile(rf"(?<=\s)(?:{_NAME})")  # names after a question's first word


def _swapped(base: str, question: str) -> str | None:
    """``base`` with its last name replaced by the one a bare "And China?" asks about.

    >>> _swapped("When did Tokayev visit Japan?", "And China?")
    'When did Tokayev visit China?'
    >>> _swapped("Кога Токаев посети Япония?", "А в Китай?")
    'Кога Токаев посети Китай?'
    >>> _swapped("When was the summit?", "And China?") is None  # no name to replace
    True
    >>> _swapped("When did Tokayev visit Japan?", "And the others?") is None  # not a name
    True
    """
    m = _ONLY_NAME.match(question)
    if m is None:
        return None
    names = list(_NAMES.finditer(base))
    if not names:
        return None
    last = names[-1]
    return base[: last.start()] + m["name"] + base[last.end() :]


def topical(history: Sequence[Turn]) -> list[Turn]:
    """The turns without greetings, thanks and their replies: "And where?" after "Thanks!" is
    about the question before the thanks.

    >>> asked = [Turn("user", "When was the summit?"), Turn("assistant", "In May [1]."),
    ...          Turn("user", "Thanks!"), Turn("assistant", "You're welcome.")]
    >>> standalone("And where?", topical(asked))
    'When was the summit? In May. And where?'
    """
    out: list[Turn] = []
    skip = False
    for turn in history:
        if turn.role == "user":
            skip = smalltalk.kind(turn.content) is not None
        if not skip:
            out.append(turn)
    return out


def recent(history: Sequence[Turn], turns: int = 2, chars: int = 600) -> list[Turn]:
    """The last ``turns`` messages, each clipped to ``chars``, for the prompt."""
    return [Turn(t.role, t.content[:chars]) for t in list(history)[-turns:]]
