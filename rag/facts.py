"""Short facts from a sentence of the article, said in the reader's language, deterministically.

A question asks for a *kind* of fact (``when``, ``where``, ``count``, ``who``); a Bulgarian
sentence holds candidate *spans* of that kind (dates, places after "в", numbers, often written
as words, names). A span is rendered in the reader's language by rules, never by a model:
month names and number words are translated, names of well-known places come from a small
glossary (``data/exonyms.toml``), every other name is transliterated (Bulgarian's official
Latin system for English; Cyrillic stays Cyrillic for Russian).

    >>> say(find("When was the CA–Russia summit?", "„ЦА – Русия“ на 9 октомври в Душанбе."), "en")
    '9 October'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.bm25 import terms
from rag.names import glossary, name, names, native, skeleton, transliterate

__all__ = [
    "Fact",
    "best",
    "find",
    "glossary",
    "kind",
    "name",
    "names",
    "number_value",
    "say",
    "skeleton",
    "spans",
]
__all__ += ["transliterate"]

Kind = str  # "when" | "where" | "count" | "who" | ""

_KINDS: list[tuple[Kind, re.Pattern[str]]] = [
    (
        "when",
        re.compile(
            r"\b(when|what date|which date|on what date|what day|which (?:day|month|year)|in which month"
            r"|кога|на коя дата|коя дата|в кой ден|в кой месец|през кой месец"
            r"|когда|какого числа|какая дата|в какой день|в каком месяце)\b",
            re.I,
        ),
    ),
    (
        "count",
        re.compile(r"\b(how many|how much|колко|сколько)\b", re.I),
    ),
    (
        "where",
        re.compile(
            r"\b(where|in which city|which city|what city|in what city|which capital"
            r"|къде|в кой град|кой град|в коя столица|в коя страна|где|куда|в каком городе|какой город)\b",
            re.I,
        ),
    ),
]

_BG_MONTHS = [
    "януари",
    "февруари",
    "март",
    "април",
    "май",
    "юни",
    "юли",
    "август",
    "септември",
    "октомври",
    "ноември",
    "декември",
]
_EN_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_RU_MONTHS_GEN = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]
_RU_MONTHS_PREP = [
    "январе",
    "феврале",
    "марте",
    "апреле",
    "мае",
    "июне",
    "июле",
    "августе",
    "сентябре",
    "октябре",
    "ноябре",
    "декабре",
]
_MONTH = "|".join(_BG_MONTHS)
_DAY = r"\d{1,2}(?:\s*[–-]\s*\d{1,2})?"
_YEAR = r"(?:\s+\d{4}\s*(?:г\.|година|года)?)?"
_DATE = re.compile(
    rf"(?:[Оо]т\s+\d{{1,2}}\s+(?:{_MONTH})\s+до\s+\d{{1,2}}\s+(?:{_MONTH}){_YEAR})"
    rf"|(?:{_DAY}\s+(?:{_MONTH}){_YEAR})"
    rf"|(?:(?:[Вв] края|[Вв] началото|[Вв] средата|[Пп]оследната седмица)\s+на\s+(?:{_MONTH}))"
    rf"|(?:[Пп]рез\s+(?:{_MONTH}))"
    r"|(?:\d{4}-\d{2}-\d{2})"
    r"|(?:до\s+\d{4}\s*г\.)",
)

_UNITS = {
    "нула": 0, "един": 1, "една": 1, "едно": 1, "два": 2, "две": 2, "три": 3, "четири": 4, "пет": 5,
    "шест": 6, "седем": 7, "осем": 8, "девет": 9, "десет": 10, "единадесет": 11, "дванадесет": 12,
    "тринадесет": 13, "четиринадесет": 14, "петнадесет": 15, "шестнадесет": 16, "седемнадесет": 17,
    "осемнадесет": 18, "деветнадесет": 19, "двадесет": 20, "тридесет": 30, "четиридесет": 40,
    "петдесет": 50, "шестдесет": 60, "седемдесет": 70, "осемдесет": 80, "деветдесет": 90, "сто": 100,
    "двеста": 200, "триста": 300, "четиристотин": 400, "петстотин": 500, "шестстотин": 600,
    "седемстотин": 700, "осемстотин": 800, "деветстотин": 900,
}  # fmt: skip
_SCALES = {
    "хиляда": 1000,
    "хиляди": 1000,
    "милион": 10**6,
    "милиона": 10**6,
    "милиард": 10**9,
    "милиарда": 10**9,
}
_NUMBER_WORD = "|".join(sorted([*_UNITS, *_SCALES], key=len, reverse=True))
_NUMBER = re.compile(
    rf"(?:(?:около|над|повече от|почти|до|близо)\s+)?"
    rf"(?:\d{{1,3}}(?:[ ,.]\d{{3}})+(?!\d)|\d+|(?:(?:{_NUMBER_WORD})(?:\s+(?:и\s+)?(?:{_NUMBER_WORD}))*))\b",
    re.I,
)
_YEAR_AT = re.compile(
    r"(?:19|20)\d\d\b(?!\s*(?:души|хиляди|участници|делегати|страни))"
)  # a year, not a count
_QUALIFIERS = {
    "около": ("about", "около"),
    "близо": ("nearly", "почти"),
    "почти": ("almost", "почти"),
    "над": ("more than", "более"),
    "повече от": ("more than", "более"),
    "до": ("up to", "до"),
}
_PLACE = re.compile(r"\b(?:в|във)\s+((?:[А-ЯЁ][\w-]*)(?:\s+[А-ЯЁ][\w-]*)*)")


_ASKING = set(  # question words: they name no event, so they anchor nothing
    re.findall(
        r"\w+",
        "when where which what who whom how many much was were did does the and "
        "кога къде кой коя кои какво колко беше бяха ли се "
        "когда где какой какая кто сколько был была были прошёл прошел",
    )
)


@dataclass(frozen=True)
class Fact:
    """A span of ``sentence`` that answers a question of ``kind``."""

    kind: Kind
    start: int
    end: int
    text: str


def kind(question: str) -> Kind:
    """What a question asks for: ``when``, ``count``, ``where`` or ``""`` (anything else).

    >>> kind("Кога Токаев посети Япония?"), kind("Сколько делегатов?"), kind("Why?")
    ('when', 'count', '')
    """
    for asked, pattern in _KINDS:
        if pattern.search(question):
            return asked
    return ""


def spans(sentence: str, of: Kind) -> list[Fact]:
    """Every span of ``sentence`` of the kind asked for, in order."""
    if of == "when":
        return [Fact(of, m.start(), m.end(), m.group(0)) for m in _DATE.finditer(sentence)]
    if of == "count":
        dates = [(m.start(), m.end()) for m in _DATE.finditer(sentence)]
        out = []
        for m in _NUMBER.finditer(sentence):
            inside_date = any(a <= m.start() < b for a, b in dates)
            if (
                not inside_date
                and not _YEAR_AT.match(sentence, m.start())
                and number_value(m.group(0)) is not None
            ):
                out.append(Fact(of, m.start(), m.end(), m.group(0)))
        return out
    if of == "where":
        return [Fact(of, m.start(1), m.end(1), m.group(1)) for m in _PLACE.finditer(sentence)]
    return []


def find(question: str, sentence: str, of: Kind | None = None) -> Fact | None:
    """The span of ``sentence`` that answers ``question`` (see ``best``)."""
    found = best(question, sentence, of)
    return found[0] if found else None


def best(question: str, sentence: str, of: Kind | None = None) -> tuple[Fact, int] | None:
    """The span of the kind asked for whose neighbourhood (the words since the previous
    candidate, and the two words after it) shares most words with the question, and how many
    it shares: an event is named before its date, a count before or after its noun."""
    found = spans(sentence, kind(question) if of is None else of)
    if not found:
        return None
    asked = [
        _keys(w)
        for w in re.findall(r"\w+", question)
        if w.lower() not in _ASKING and (len(w) > 2 or w.isupper())
    ]

    def shared(text: str) -> int:  # how many of the question's words the text has, in any spelling
        keys = _keys(text)
        return sum(bool(word & keys) for word in asked)

    def score(i: int) -> tuple[int, int]:
        fact = found[i]
        before = sentence[(found[i - 1].end if i else 0) : fact.start]
        tail = re.split(r"[,;:„“«»()]", sentence[fact.end :], maxsplit=1)[0]
        after = " ".join(re.findall(r"\w+", tail)[:2])
        return shared(before) + 2 * shared(after), -i

    i = max(range(len(found)), key=score)
    return found[i], score(i)[0]


def _keys(text: str) -> set[str]:
    """Words of ``text`` as cross-alphabet keys (BM25 terms and consonant skeletons)."""
    words = [w for w in re.findall(r"\w+", text) if len(w) > 2 or w.isupper()]
    words += [bg for w in words for bg in native().get(w.lower(), ())]
    return set(terms(" ".join(words))) | {"k:" + skeleton(w) for w in words if len(skeleton(w)) >= 3}


def number_value(text: str) -> int | None:
    """The value of a number written in digits or Bulgarian words.

    >>> number_value("около шестстотин"), number_value("осемдесет и две"), number_value("пет хиляди")
    (600, 82, 5000)
    """
    body = _strip_qualifier(text)[1]
    digits = re.sub(r"[\s.,]", "", body)
    if digits.isdigit():
        return int(digits)
    total, current, seen = 0, 0, False
    for word in re.findall(r"\w+", body.lower()):
        if word == "и":
            continue
        if word in _UNITS:
            current += _UNITS[word]
            seen = True
        elif word in _SCALES:
            total += max(current, 1) * _SCALES[word]
            current, seen = 0, True
        else:
            return None
    return total + current if seen else None


def _strip_qualifier(text: str) -> tuple[str, str]:
    for q in sorted(_QUALIFIERS, key=len, reverse=True):
        if text.lower().startswith(q + " "):
            return q, text[len(q) + 1 :]
    return "", text


def say(fact: Fact | None, language: str) -> str:
    """The fact as a reader of ``language`` would write it (Bulgarian: the article's words)."""
    if fact is None:
        return ""
    if language == "bg":
        return fact.text
    if fact.kind == "when":
        return _say_date(fact.text, language)
    if fact.kind == "count":
        qualifier, _ = _strip_qualifier(fact.text)
        value = number_value(fact.text)
        words = _QUALIFIERS.get(qualifier, ("", ""))
        lead = words[0] if language == "en" else words[1]
        return f"{lead} {value:,}".replace(",", " " if language == "ru" else ",").strip()
    return name(fact.text, language)


def _say_date(text: str, language: str) -> str:
    months = _EN_MONTHS if language == "en" else _RU_MONTHS_GEN
    out = re.sub(r"\s*(г\.|година)$", "", text.strip())
    out = re.sub(r"^[Оо]т\s+(.+?)\s+до\s+", r"\1 – " if language == "en" else r"с \1 по ", out)
    phrases_en = {
        "в края на": "the end of",
        "в началото на": "the beginning of",
        "в средата на": "the middle of",
        "последната седмица на": "the last week of",
        "през": "in",
        "до": "until",
    }
    phrases_ru = {
        "в края на": "в конце",
        "в началото на": "в начале",
        "в средата на": "в середине",
        "последната седмица на": "на последней неделе",
        "през": "в",
        "до": "до",
    }
    for bg, said in (phrases_en if language == "en" else phrases_ru).items():
        if out.lower().startswith(bg + " "):
            rest = out[len(bg) + 1 :]
            if bg == "през" and language != "en":
                return (
                    f"в {_RU_MONTHS_PREP[_BG_MONTHS.index(rest.lower())]}"
                    if rest.lower() in _BG_MONTHS
                    else out
                )
            out = f"{said} {rest}"
            break
    for i, month in enumerate(_BG_MONTHS):
        out = re.sub(rf"\b{month}\b", months[i], out)
    return out
