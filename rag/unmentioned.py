"""Names a question asks about that the article never mentions, in any spelling or case.

"What did Kazakhstan agree with France?" asked of an article that never names France has no
answer in it, however close its sentences about Kazakhstan's agreements look: the answer stage
says so instead of quoting the nearest one. A name is a capitalised word that does not start the
question (or a run of them, "Institute for Foreign Policy Studies", which is mentioned when one of
its words is: a title's other words may be translated in a way no rule reads); a word is
mentioned when the article holds it in any alphabet (consonant skeletons, the
glossary's translation) or, for a Cyrillic word, any form of it (case endings cut off:
"Китаем" is "Китай"). Months are dates, not names. An abbreviation is a name of its own, mentioned
as itself or as the glossary's article form of it ("CIS" is "ОНД"): "GDP" is not.

    >>> text = "Токаев посети Китай и Япония през декември."
    >>> unmentioned("What did Tokayev agree with France in December?", text)
    ['France']
    >>> unmentioned("Каким был товарооборот с Китаем?", text), unmentioned("When did he visit Japan?", text)
    ([], [])
    >>> unmentioned("Каким был рост ВВП Китая?", text), unmentioned("What did the EU say?", "„ЕС – ЦА“")
    (['ВВП'], [])
"""

from __future__ import annotations

import re
from functools import lru_cache

from rag import dates
from rag.names import article_words, skeleton

_WORD = r"[A-ZА-ЯЁ][^\W\d_]*(?:-[^\W\d_]+)*"
_RUN = re.compile(rf"(?<![.?!]\s)(?<!^)\b{_WORD}(?:\s+(?:(?:of|for|the|and|за|на|по|и|при)\s+)?{_WORD})*")
_ASKING = frozenset(
    re.findall(r"\w+", "what who whom which when where why how did does was were is are the and in of")
)
_ENDINGS = sorted(  # Russian case and Bulgarian article endings, longest first
    re.findall(r"\w+", "ами ями ого его ому ему ией ой ей ем ом ии ия ию ую ая яя ые ие ых их ым им")
    + re.findall(r"\w+", "ата ята ите ът ят та то те")
    + list("ыиуюаяеоьй"),
    key=len,
    reverse=True,
)


def unmentioned(question: str, text: str) -> list[str]:
    """The names of ``question`` that ``text`` does not mention, in the order asked (an
    abbreviation is a name of its own: "ВВП Казахстана" asks about two)."""
    out: list[str] = []
    if question.isupper():  # A QUESTION IN CAPITALS tells no names from other words
        return out
    for run in _RUN.finditer(question):
        capitalised = [w for w in re.findall(_WORD, run.group(0)) if w.lower() not in _ASKING]
        short = [w for w in capitalised if _abbreviation(w)]
        out += [w for w in short if not _mentioned(w, text)]
        rest = [w for w in capitalised if w not in short]
        if rest and not any(_mentioned(w, text) for w in rest):
            out.append(" ".join(rest) if short else run.group(0))
    return out


def _abbreviation(word: str) -> bool:
    return len(word) >= 2 and word.isupper()


def _mentioned(word: str, text: str) -> bool:
    """Whether ``text`` holds ``word`` in some spelling or form (months count). An abbreviation
    is mentioned as itself or as the glossary's article form of it ("CIS" is "ОНД", "AI"
    "изкуствен интелект"); a single capital is no name."""
    if dates.months_in(word) or len(word) < 2:
        return True
    if _abbreviation(word):
        return bool(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)) or any(
            bg in text for bg in article_words(word)
        )
    if "-" in word:  # "Абу-Даби" is the article's "Абу Даби"
        return any(_mentioned(part, text) for part in word.split("-") if part)
    skeletons, words = _known(text)
    if any(bg in text for bg in article_words(word)):
        return True
    stem = _stem(word)
    if re.match(r"[\u0400-\u04ff]", word) and (len(stem) < 3 or any(w.startswith(stem) for w in words)):
        return True
    return bool(_skeletons(word) & skeletons)


def _skeletons(word: str) -> set[str]:
    """A word's whole consonant skeletons, with and without its ending ("Иорданией" and
    "Йордания" share "rtn"); skeletons of one consonant match too much to count."""
    return {key for key in (skeleton(word), skeleton(_stem(word))) if len(key) >= 2}


def _stem(word: str) -> str:
    """A Cyrillic word without its case or article ending ("Китаем" -> "кита", "розата" -> "роз")."""
    lower = word.lower()
    for ending in _ENDINGS:
        if lower.endswith(ending) and len(lower) - len(ending) >= 3:
            return lower[: -len(ending)]
    return lower


@lru_cache(maxsize=32)
def _known(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """An article's word skeletons and lower-cased words (cached: the same article is asked often)."""
    words = frozenset(w.lower() for w in re.findall(r"[^\W\d_]+", text))
    return frozenset(key for w in words for key in _skeletons(w)), words
