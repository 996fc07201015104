"""Numbers in the article's Bulgarian, in digits or in words ("около шестстотин" = about 600),
their values, and how a reader of English or Russian writes them."""

from __future__ import annotations

import re

__all__ = ["NUMBER", "YEAR_AT", "number_value", "numbers_in", "say", "strip_qualifier"]

UNITS = {
    "нула": 0, "един": 1, "една": 1, "едно": 1, "два": 2, "две": 2, "три": 3, "четири": 4, "пет": 5,
    "шест": 6, "седем": 7, "осем": 8, "девет": 9, "десет": 10, "единадесет": 11, "дванадесет": 12,
    "тринадесет": 13, "четиринадесет": 14, "петнадесет": 15, "шестнадесет": 16, "седемнадесет": 17,
    "осемнадесет": 18, "деветнадесет": 19, "двадесет": 20, "тридесет": 30, "четиридесет": 40,
    "петдесет": 50, "шестдесет": 60, "седемдесет": 70, "осемдесет": 80, "деветдесет": 90, "сто": 100,
    "двеста": 200, "триста": 300, "четиристотин": 400, "петстотин": 500, "шестстотин": 600,
    "седемстотин": 700, "осемстотин": 800, "деветстотин": 900,
}  # fmt: skip
SCALES = {
    "хиляда": 1000,
    "хиляди": 1000,
    "милион": 10**6,
    "милиона": 10**6,
    "милиард": 10**9,
    "милиарда": 10**9,
}
_NUMBER_WORD = "|".join(sorted([*UNITS, *SCALES], key=len, reverse=True))
NUMBER = re.compile(  # not a digit of a name: the 5 of "C5+1" counts nothing
    rf"(?<![\w+])(?:(?:около|над|повече от|почти|до|близо)\s+)?"
    rf"(?:\d{{1,3}}(?:[ ,.]\d{{3}})+(?!\d)|\d+|(?:(?:{_NUMBER_WORD})(?:\s+(?:и\s+)?(?:{_NUMBER_WORD}))*))"
    r"\b(?!\+)",
    re.I,
)
YEAR_AT = re.compile(
    r"(?:19|20)\d\d\b(?!\s*(?:души|хиляди|участници|делегати|страни))"
)  # a year, not a count
ONE_OF = re.compile(r"(?:един|една|едно|едни)\s+от\b", re.I)  # "Едно от събитията": one of, not a count
QUALIFIERS = {
    "около": ("about", "около"),
    "близо": ("nearly", "почти"),
    "почти": ("almost", "почти"),
    "над": ("more than", "более"),
    "повече от": ("more than", "более"),
    "до": ("up to", "до"),
}


def number_value(text: str) -> int | None:
    """The value of a number written in digits or Bulgarian words.

    >>> number_value("около шестстотин"), number_value("осемдесет и две"), number_value("пет хиляди")
    (600, 82, 5000)
    """
    body = strip_qualifier(text)[1]
    digits = re.sub(r"[\s.,]", "", body)
    if digits.isdigit():
        return int(digits)
    total, current, seen = 0, 0, False
    for word in re.findall(r"\w+", body.lower()):
        if word == "и":
            continue
        if word in UNITS:
            current += UNITS[word]
            seen = True
        elif word in SCALES:
            total += max(current, 1) * SCALES[word]
            current, seen = 0, True
        else:
            return None
    return total + current if seen else None


def strip_qualifier(text: str) -> tuple[str, str]:
    for q in sorted(QUALIFIERS, key=len, reverse=True):
        if text.lower().startswith(q + " "):
            return q, text[len(q) + 1 :]
    return "", text


def say(text: str, language: str) -> str:
    """A count as a reader of ``language`` writes it.

    >>> say("около шестстотин", "en"), say("повече от 5000", "ru")
    ('about 600', 'более 5 000')
    """
    qualifier, _ = strip_qualifier(text)
    value = number_value(text)
    words = QUALIFIERS.get(qualifier, ("", ""))
    lead = words[0] if language == "en" else words[1]
    return f"{lead} {value:,}".replace(",", " " if language == "ru" else ",").strip()


def numbers_in(text: str) -> set[int]:
    """Numbers written in digits (``5,000``, ``19–20`` as two) or in Bulgarian words.

    >>> sorted(numbers_in("19–20 December, 5,000 delegates, осемдесет и две страни"))
    [19, 20, 82, 5000]
    """
    out = {int(re.sub(r"[\s,.]", "", m)) for m in re.findall(r"\d{1,3}(?:[,\s]\d{3})+(?!\d)|\d+", text)}
    for m in NUMBER.finditer(text):
        value = number_value(m.group(0))
        if value is not None:
            out.add(value)
    return out
